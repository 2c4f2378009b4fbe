package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * npm ioredis against the RESP listener: its connect sequence (CLIENT SETNAME, CLIENT SETINFO,
 * then INFO as the ready check, which fails the connection unless INFO answers with loading:0),
 * {@code call()} of vector-set and VECTOR.* commands, a pipeline with an error inside, MULTI/EXEC,
 * and a rejected command as a {@code ReplyError}.
 */
class IoredisTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, RespClients.READ_YOUR_WRITES);
        port = cluster.respPort();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldConnectCallPipelineAndReportErrors() {
        RespClients.Result result = RespClients.node(port, """
                const Redis = require('ioredis');
                const r = new Redis({host: '127.0.0.1', port: +process.env.PORT, connectionName: 'iotest',
                                     maxRetriesPerRequest: 0, retryStrategy: () => null});
                r.on('error', e => console.log('connection error: ' + e.message));
                (async () => {
                  await new Promise(resolve => r.once('ready', resolve));
                  const info = await r.info();
                  console.log(r.status, /\\r\\nredis_version:8[.]0[.]0\\r\\n/.test(info), /\\r\\nloading:0\\r\\n/.test(info));
                  const me = await r.call('CLIENT', 'INFO');
                  console.log(/ name=iotest /.test(me), / lib-name=ioredis /.test(me), / lib-ver=5[.]/.test(me));
                  console.log(await r.call('VADD', 'ioset', 'VALUES', '3', '1', '0', '0', 'a', 'SETATTR', '{"k":"x"}'));
                  console.log(await r.call('VADD', 'ioset', 'VALUES', '3', '0', '1', '0', 'b'));
                  console.log(JSON.stringify(await r.call('VSIM', 'ioset', 'VALUES', '3', '1', '0', '0',
                                                          'WITHSCORES', 'WITHATTRIBS')));
                  const piped = await r.pipeline()
                    .call('VECTOR.CREATE', 'iobatch', 'DIM', '2', 'METRIC', 'L2')
                    .call('VECTOR.MADD', 'iobatch', 'DIM', '2', '1', '0', '0', '2', '1', '1')
                    .call('VECTOR.SEARCH', 'iobatch', 'K', '1', '1', '1')
                    .call('NOPE')
                    .ping()
                    .exec();
                  console.log(JSON.stringify(piped.map(([e, v]) => e ? 'error: ' + e.message : v)));
                  console.log(JSON.stringify(await r.multi().call('VCARD', 'ioset').call('VDIM', 'ioset').exec()));
                  try {
                    await r.call('VSIM', 'ioset', 'VALUES', '2', '1', '0');
                  } catch (e) {
                    console.log(e.name + ': ' + e.message);
                  }
                  r.disconnect();
                })().catch(e => { console.log('FAIL', e); process.exit(1); });
                """);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("""
                ready true true
                true true true
                1
                1
                ["a","1","{\\"k\\":\\"x\\"}","b","0.5",null]
                ["OK",2,[["id","2","distance","0"]],"error: ERR unknown command 'NOPE', with args beginning with: ","PONG"]
                [[null,2],[null,3]]
                ReplyError: ERR Vector dimension mismatch - got 2 but set has 3
                """, result.stdout());
    }
}
