package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * Debian's python3-redis (redis-py 4.3) against the RESP listener: it connects as it does to
 * Redis (CLIENT SETNAME, SELECT, INFO parsing), runs vector-set and VECTOR.* commands through
 * {@code execute_command}, pipelines (plain and MULTI/EXEC), and raises {@code ResponseError}s
 * with our exact messages. redis-py 4.3 speaks RESP2 only (RESP3 came with redis-py 5).
 */
class RedisPyTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static int port;

    private static final String CONNECT = """
            import os, struct, redis
            r = redis.Redis(host='127.0.0.1', port=int(os.environ['PORT']), client_name='pytest', db=0)
            """;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, RespClients.READ_YOUR_WRITES);
        port = cluster.respPort();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String python(String body) {
        RespClients.Result result = RespClients.python(port, CONNECT + body);
        assertEquals(0, result.exitCode(), result.toString());
        return result.stdout();
    }

    @Test
    void shouldConnectAndRunVectorSetCommands() {
        String out = python("""
                print(r.ping())
                print(r.client_getname())
                info = r.info()
                print(info['redis_version'], info['loading'], info['role'])
                print(r.execute_command('VADD', 'pyset', 'VALUES', 3, 1.0, 0.0, 0.0, 'a', 'SETATTR', '{"n": 1}'))
                print(r.execute_command('VADD', 'pyset', 'FP32', struct.pack('<3f', 0.0, 1.0, 0.0), 'b',
                                        'SETATTR', '{"n": 2}'))
                print(r.execute_command('VADD', 'pyset', 'VALUES', 3, 1.0, 0.0, 0.0, 'a'))
                print(r.execute_command('VSIM', 'pyset', 'VALUES', 3, 1, 0, 0, 'WITHSCORES'))
                print(r.execute_command('VSIM', 'pyset', 'ELE', 'b', 'FILTER', '.n >= 2'))
                print(r.execute_command('VCARD', 'pyset'), r.execute_command('VDIM', 'pyset'))
                print(r.execute_command('VEMB', 'pyset', 'b'))
                print(r.execute_command('VGETATTR', 'pyset', 'a'))
                print(r.execute_command('VREM', 'pyset', 'a'), r.execute_command('VREM', 'pyset', 'a'))
                """);
        assertEquals("""
                True
                pytest
                8.0.0 0 master
                1
                1
                0
                [b'a', b'1', b'b', b'0.5']
                [b'b']
                2 3
                [b'0', b'1', b'0']
                b'{"n": 1}'
                1 0
                """, out);
    }

    @Test
    void shouldPipelineVectorMaddBatchesWithAndWithoutMultiExec() {
        String out = python("""
                p = r.pipeline(transaction=False)
                p.execute_command('VECTOR.CREATE', 'pybatch', 'DIM', 4, 'METRIC', 'L2')
                for b in range(20):
                    args = []
                    for i in range(50):
                        n = b * 50 + i
                        args += [n, n, n + 1, n + 2, n + 3]
                    p.execute_command('VECTOR.MADD', 'pybatch', 'DIM', 4, *args)
                res = p.execute()
                print(res[0], set(res[1:]), len(res))
                with r.pipeline() as tx:
                    tx.execute_command('VECTOR.SEARCH', 'pybatch', 'K', 2, 0, 1, 2, 3)
                    tx.execute_command('VECTOR.GET', 'pybatch', 999)
                    tx.execute_command('VECTOR.DEL', 'pybatch', 999)
                    tx.execute_command('VECTOR.GET', 'pybatch', 999)
                    print(tx.execute())
                print(r.execute_command('VECTOR.INFO', 'pybatch')[10:12])
                """);
        assertEquals("""
                b'OK' {50} 21
                [[[b'id', b'0', b'distance', b'0'], [b'id', b'1', b'distance', b'4']], \
                [[b'id', b'999', b'vector', [b'999', b'1000', b'1001', b'1002'], b'metadata', []]], 1, [None]]
                [b'vectors', 999]
                """, out);
    }

    @Test
    void shouldTakeLittleEndianFloat32BlobsEverywhereAVectorGoes() {
        String out = python("""
                def fp32(*v):
                    return struct.pack('<%df' % len(v), *v)
                print(r.execute_command('VECTOR.CREATE', 'blobs', 'DIM', 2, 'METRIC', 'L2'))
                print(r.execute_command('VECTOR.ADD', 'blobs', 1, 'FP32', fp32(0.5, 0.25), 'META', '{"a": 1}'))
                print(r.execute_command('VECTOR.MADD', 'blobs', 'DIM', 2, 'FP32', 2, fp32(1, 1), 3, fp32(-1, 2)))
                print(r.execute_command('VECTOR.SEARCH', 'blobs', 'K', 2, 'FP32', fp32(1, 1)))
                print(r.execute_command('VADD', 'blobset', 'FP32', fp32(0, 2), 'e'))
                print(r.execute_command('VSIM', 'blobset', 'FP32', fp32(0, 1), 'WITHSCORES'))
                print(r.execute_command('VEMB', 'blobset', 'e', 'RAW'))
                """);
        assertEquals("""
                b'OK'
                1
                2
                [[b'id', b'2', b'distance', b'0'], [b'id', b'1', b'distance', b'0.8125']]
                1
                [b'e', b'1']
                [b'f32', b'\\x00\\x00\\x00\\x00\\x00\\x00\\x80?', b'2']
                """, out);
    }

    @Test
    void shouldRaiseResponseErrorsWithExactMessages() {
        String out = python("""
                r.execute_command('VADD', 'errset', 'VALUES', 3, 1, 0, 0, 'a')
                for cmd in [('VADD', 'errset', 'VALUES', 2, 1, 0, 'c'),
                            ('NOPE', 'x'),
                            ('VECTOR.SEARCH', 'missing', 'K', 1, 0),
                            ('VSIM', 'errset', 'ELE', 'a', 'FILTER', '.n = 1'),
                            ('VADD', 'errset', 'VALUES', 3, 'x', 0, 0, 'c'),
                            ('VECTOR.CREATE', 'errl2', 'DIM', 2, 'METRIC', 'L2'),
                            ('VADD', 'errl2', 'VALUES', 2, 1, 0, 'c')]:
                    try:
                        print('ok', r.execute_command(*cmd))
                    except redis.exceptions.ResponseError as e:
                        print(type(e).__name__ + ':', str(e))
                with r.pipeline() as tx:
                    tx.execute_command('PING')
                    tx.execute_command('NOPE')
                    try:
                        tx.execute()
                    except redis.exceptions.ResponseError as e:
                        print(type(e).__name__ + ':', str(e))
                print(r.ping())
                """);
        assertEquals("""
                ResponseError: Vector dimension mismatch - got 2 but set has 3
                ResponseError: unknown command 'NOPE', with args beginning with: 'x'\s
                ResponseError: unknown collection 'missing'
                ResponseError: syntax error in FILTER expression at position 3 near '= 1': unknown operator '='
                ResponseError: vector component 0 is not a number: 'x'
                ok b'OK'
                ResponseError: WRONGTYPE Operation against a key holding the wrong kind of value (collection 'errl2' \
                uses metric L2; vector-set commands need COSINE)
                ResponseError: Command # 2 (NOPE) of pipeline caused error: unknown command 'NOPE', with args beginning \
                with:\s
                True
                """, out);
    }
}
