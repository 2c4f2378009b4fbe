package org.vxdb.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.tls.DevCerts;

/**
 * Clients we did not write, over TLS and with API keys to a secured cluster (TLS on every listener,
 * mutual TLS to the nodes, {@code security.enabled}), run as child processes: {@code curl --cacert}
 * with an {@code Authorization} header against REST, {@code redis-cli --tls --cacert --user default
 * --pass KEY} against RESP, Python grpcio with {@code grpc.ssl_channel_credentials} and
 * {@code authorization} metadata against the coordinator's gRPC (and, with the cluster's client
 * certificate, a node's), and Node: ioredis over TLS with the key as password, {@code ws} over
 * {@code wss://} with the key in the upgrade. Without the key each is refused in its protocol's words.
 */
class TlsClientsTest {

    private static final String COLLECTION = "tlsclients";
    private static final int PROCESS_TIMEOUT_SECONDS = 120;
    /** grpc.health.v1.HealthCheckResponse{status: SERVING}. */
    private static final String SERVING_HEX = "0801";

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static DevCerts certs;
    /** An admin key, and a key that may only read. */
    static String key;
    static String readKey;

    @BeforeAll
    static void startSecuredCluster() throws IOException {
        ApiKeyStore keys = ApiKeyStore.open(dir.resolve("keys.json"));
        key = keys.create("tls clients", java.util.EnumSet.of(Role.ADMIN), null).text();
        readKey = keys.create("reader", java.util.EnumSet.of(Role.READ), null).text();
        cluster = InProcessCluster.startSecured(dir, "security:\n  enabled: true\n  keys_file: keys.json\n");
        certs = cluster.certs();
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        CollectionServiceGrpc.newBlockingStub(cluster.channel())
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                .createCollection(CreateCollectionRequest.newBuilder().setSpec(CollectionSpec.newBuilder()
                        .setName(COLLECTION).setDimension(3).setMetric(Metric.L2)).build());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // curl

    @Test
    void shouldAnswerCurlWithTheCaOverHttps() {
        for (String host : List.of("127.0.0.1", "localhost")) {
            Result r = curl("https://" + host + ":" + cluster.restPort() + "/v1/collections/" + COLLECTION,
                    "--cacert", certs.ca().toString(), "-H", "Authorization: Bearer " + key);
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().startsWith("{\"spec\":{\"name\":\"tlsclients\""), r::toString);
            assertTrue(r.stdout().endsWith("\n200"), r::toString);
        }
    }

    @Test
    void shouldFailCurlWithoutTheCaOrInPlaintextAndKeepServing() {
        Result untrusted = curl("https://127.0.0.1:" + cluster.restPort() + "/v1/collections");
        assertEquals(60, untrusted.exitCode(), untrusted::toString); // CURLE_PEER_FAILED_VERIFICATION
        Result plaintext = curl("http://127.0.0.1:" + cluster.restPort() + "/v1/collections");
        assertNotEquals(0, plaintext.exitCode(), plaintext::toString);
        assertTrue(plaintext.stdout().endsWith("000"), plaintext::toString); // no HTTP answer at all
        Result ok = curl("https://127.0.0.1:" + cluster.restPort() + "/v1/collections", "--cacert",
                certs.ca().toString(), "-H", "Authorization: Bearer " + key);
        assertTrue(ok.stdout().endsWith("\n200"), ok::toString);
    }

    @Test
    void shouldRefuseCurlWithoutAKeyOrWithTheWrongRole() {
        Result noKey = curl("https://127.0.0.1:" + cluster.restPort() + "/v1/collections", "--cacert",
                certs.ca().toString());
        assertTrue(noKey.stdout().startsWith("{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\""
                + Security.AUTH_REQUIRED + "\""), noKey::toString);
        assertTrue(noKey.stdout().endsWith("\n401"), noKey::toString);
        Result reader = curl("https://127.0.0.1:" + cluster.restPort() + "/v1/collections/" + COLLECTION, "--cacert",
                certs.ca().toString(), "-H", "Authorization: Bearer " + readKey, "-X", "DELETE");
        assertTrue(reader.stdout().contains("\"code\":\"PERMISSION_DENIED\",\"message\":\"key "
                + readKey.substring(4, 16) + " (roles: read) may not DropCollection: that needs the admin role\""),
                reader::toString);
        assertTrue(reader.stdout().endsWith("\n403"), reader::toString);
    }

    /** {@code curl -sS URL [extra...]}: stdout is the body, a newline and the status code. */
    static Result curl(String url, String... extra) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-w", "\n%{http_code}",
                url));
        command.addAll(List.of(extra));
        return run(command);
    }

    // ---------------------------------------------------------------------------------------------
    // openssl s_client: what the listeners negotiate

    @Test
    void shouldNegotiateOnlyTls13And12WithForwardSecretAeadCiphers() {
        String port = String.valueOf(cluster.restPort());
        Result tls13 = sClient(port);
        assertTrue(tls13.stderr().contains("Protocol version: TLSv1.3"), tls13::toString);
        Result tls12 = sClient(port, "-tls1_2");
        assertTrue(tls12.stderr().contains("Protocol version: TLSv1.2"), tls12::toString);
        assertTrue(tls12.stderr().contains("Ciphersuite: ECDHE-ECDSA-AES"), tls12::toString);
        Result tls11 = sClient(port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertNotEquals(0, tls11.exitCode(), tls11::toString);
        assertTrue(tls11.stderr().contains("alert protocol version"), tls11::toString); // the server's refusal
        Result cbc = sClient(port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256");
        assertNotEquals(0, cbc.exitCode(), cbc::toString);
        assertTrue(cbc.stderr().contains("alert handshake failure"), cbc::toString);
        Result resp = sClient(String.valueOf(cluster.respPort()), "-tls1_2");
        assertTrue(resp.stderr().contains("Protocol version: TLSv1.2"), resp::toString);
    }

    /** {@code openssl s_client -brief} to 127.0.0.1:PORT trusting the CA, verifying the IP address. */
    static Result sClient(String port, String... extra) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-brief", "-connect",
                "127.0.0.1:" + port, "-CAfile", certs.ca().toString(), "-verify_ip", "127.0.0.1",
                "-verify_return_error"));
        command.addAll(List.of(extra));
        return run(command);
    }

    // ---------------------------------------------------------------------------------------------
    // redis-cli

    @Test
    void shouldAnswerRedisCliOverTls() {
        Result pong = redisCli(List.of("PING"));
        assertEquals(0, pong.exitCode(), pong::toString);
        assertEquals("PONG\n", pong.stdout());
        Result added = redisCli(List.of("VADD", "tlsset", "VALUES", "2", "1", "0", "a"));
        assertEquals("1\n", added.stdout(), added::toString);
        Result found = redisCli(List.of("VSIM", "tlsset", "VALUES", "2", "1", "0"));
        assertEquals("a\n", found.stdout(), found::toString);
    }

    @Test
    void shouldFailRedisCliWithoutTls() {
        Result plaintext = run(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(cluster.respPort()),
                "--user", "default", "--pass", key, "PING"));
        assertTrue(plaintext.exitCode() != 0 || !plaintext.stdout().contains("PONG"), plaintext::toString);
        assertEquals("PONG\n", redisCli(List.of("PING")).stdout());
    }

    @Test
    void shouldRefuseRedisCliWithoutAKeyOrWithTheWrongRole() {
        Result noKey = redisCliAs(null, List.of("VECTOR.LIST"));
        // redis-cli prints an error reply and then an empty line
        assertEquals("NOAUTH " + Security.AUTH_REQUIRED, noKey.stdout().strip(), noKey::toString);
        Result wrong = redisCliAs(readKey.substring(0, readKey.length() - 2) + "xx", List.of("PING"));
        // redis-cli reports the refused AUTH and goes on unauthenticated
        assertEquals("AUTH failed: WRONGPASS " + Security.INVALID_KEY, wrong.stderr().strip(), wrong::toString);
        assertEquals("NOAUTH " + Security.AUTH_REQUIRED, wrong.stdout().strip(), wrong::toString);
        Result reader = redisCliAs(readKey, List.of("VECTOR.DROP", COLLECTION));
        assertEquals("NOPERM key " + readKey.substring(4, 16) + " (roles: read) may not DropCollection: that needs"
                + " the admin role", reader.stdout().strip(), reader::toString);
    }

    /** {@code redis-cli --tls --cacert CA -h 127.0.0.1 -p PORT --user default --pass KEY [extra...] COMMAND...}. */
    static Result redisCli(List<String> commandLine, String... extra) {
        return redisCliAs(key, commandLine, extra);
    }

    static Result redisCliAs(String apiKey, List<String> commandLine, String... extra) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", certs.ca().toString(),
                "-h", "127.0.0.1", "-p", String.valueOf(cluster.respPort())));
        if (apiKey != null) {
            command.addAll(List.of("--user", "default", "--pass", apiKey, "--no-auth-warning"));
        }
        command.addAll(List.of(extra));
        command.addAll(commandLine);
        return run(command);
    }

    // ---------------------------------------------------------------------------------------------
    // Python grpcio

    @Test
    void shouldAnswerPythonGrpcioWithSslChannelCredentials() {
        String target = "127.0.0.1:" + cluster.coordinator().grpcAddress().getPort();
        String auth = "authorization=Bearer " + key;
        assertEquals("{\"reply_hex\": \"" + SERVING_HEX + "\"}\n",
                grpcPython(target, "/grpc.health.v1.Health/Check", "--metadata", auth).stdout());
        Result listed = grpcPython(target, "/vxdb.v1.CollectionService/ListCollections", "--metadata", auth);
        assertTrue(listed.stdout().contains(HexFormat.of().formatHex(COLLECTION.getBytes(StandardCharsets.UTF_8))),
                listed::toString);
        Result noKey = grpcPython(target, "/vxdb.v1.CollectionService/ListCollections");
        assertTrue(noKey.stdout().startsWith("{\"error\": {\"code\": \"UNAUTHENTICATED\", \"details\": \""
                + Security.AUTH_REQUIRED + "\""), noKey::toString);
    }

    // ---------------------------------------------------------------------------------------------
    // Node: ioredis and ws

    @Test
    void shouldServeNodeClientsOverTlsWithTheKey() {
        String script = """
                const fs = require('fs');
                const Redis = require('ioredis');
                const WebSocket = require('ws');
                const ca = fs.readFileSync(process.env.CA);
                (async () => {
                  const r = new Redis({host: '127.0.0.1', port: +process.env.RESP, password: process.env.KEY,
                                       tls: {ca}, maxRetriesPerRequest: 0, retryStrategy: () => null});
                  const names = await r.call('VECTOR.LIST');
                  console.log('listed ' + names.includes(process.env.COLL));
                  r.disconnect();
                  const anon = new Redis({host: '127.0.0.1', port: +process.env.RESP, tls: {ca},
                                          maxRetriesPerRequest: 0, retryStrategy: () => null});
                  anon.on('error', () => {}); // ioredis also reports the refused INFO it sends on connect
                  try { await anon.call('VECTOR.LIST'); console.log('anonymous listed'); }
                  catch (e) { console.log('anonymous ' + e.message); }
                  anon.disconnect();
                  const url = 'wss://127.0.0.1:' + process.env.REST + '/v1/stream?collection=' + process.env.COLL;
                  const ws = new WebSocket(url, {ca, headers: {Authorization: 'Bearer ' + process.env.KEY}});
                  ws.on('message', m => {
                    const msg = JSON.parse(m);
                    if (msg.type === 'ready') {
                      ws.send(JSON.stringify({type: 'batch', seq: 1, vectors: [{id: 7, values: [1, 0, 0]}]}));
                    } else {
                      console.log('ws ' + msg.type + ' ' + (msg.written ?? msg.code));
                      ws.close();
                    }
                  });
                  ws.on('close', () => {
                    const bare = new WebSocket(url, {ca});
                    bare.on('open', () => bare.send(JSON.stringify({type: 'batch', seq: 1, vectors: []})));
                    bare.on('close', (code, reason) => console.log('bare ' + code + ' ' + reason));
                  });
                })().catch(e => { console.log('failed ' + e); process.exit(1); });
                """;
        Result r = node(script);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("listed true\n"
                + "anonymous NOAUTH " + Security.AUTH_REQUIRED + "\n"
                + "ws ack 1\n"
                + "bare 1008 " + Security.AUTH_REQUIRED + "\n", r.stdout(), r::toString);
    }

    static Result node(String script) {
        String clients = System.getProperty("vxdb.test.clients");
        assertTrue(clients != null, "system property vxdb.test.clients is not set (surefire sets it)");
        Path modules = Path.of(clients, "node_modules");
        assertTrue(Files.isDirectory(modules.resolve("ioredis")) && Files.isDirectory(modules.resolve("ws")),
                "ioredis and ws are not installed in " + modules + " (ops/install-deps.sh --test)");
        ProcessBuilder pb = new ProcessBuilder("node", "-e", script);
        pb.environment().putAll(java.util.Map.of("NODE_PATH", modules.toString(), "CA", certs.ca().toString(),
                "KEY", key, "RESP", String.valueOf(cluster.respPort()), "REST", String.valueOf(cluster.restPort()),
                "COLL", COLLECTION));
        return run(pb);
    }

    @Test
    void shouldServePythonGrpcioOnANodeOnlyWithAClusterCertificate() {
        String node = "127.0.0.1:" + cluster.nodes().getFirst().grpcAddress().getPort();
        assertEquals("{\"reply_hex\": \"" + SERVING_HEX + "\"}\n", grpcPython(node, "/grpc.health.v1.Health/Check",
                "--cert", certs.cert("client").toString(), "--key", certs.key("client").toString()).stdout());
        Result refused = grpcPython(node, "/grpc.health.v1.Health/Check");
        assertTrue(refused.stdout().startsWith("{\"error\": {\"code\": \"UNAVAILABLE\""), refused::toString);
    }

    /** {@code grpc_tls_call.py --target T --ca CA [extra...] METHOD} with Debian's Python grpcio. */
    static Result grpcPython(String target, String method, String... extra) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script().toString(), "--target", target,
                "--ca", certs.ca().toString()));
        command.addAll(List.of(extra));
        command.add(method);
        Result r = run(command);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private static Path script() {
        try (InputStream in = TlsClientsTest.class.getResourceAsStream("/security/grpc_tls_call.py")) {
            Path script = dir.resolve("grpc_tls_call.py");
            if (!Files.exists(script)) {
                Files.copy(in, script);
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** What a finished child process printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result run(List<String> command) {
        return run(new ProcessBuilder(command));
    }

    static Result run(ProcessBuilder builder) {
        List<String> command = builder.command();
        try {
            Process p = builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command.getFirst() + " did not finish within " + PROCESS_TIMEOUT_SECONDS
                        + " s: " + command);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
