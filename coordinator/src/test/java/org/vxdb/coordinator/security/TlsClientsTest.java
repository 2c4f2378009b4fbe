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
 * Clients we did not write, over TLS to a secured cluster, run as child processes: {@code curl
 * --cacert} against REST, {@code redis-cli --tls --cacert} against RESP, and Python grpcio with
 * {@code grpc.ssl_channel_credentials} against the coordinator's gRPC and, with the cluster's client
 * certificate, a node's. Each client helper takes extra arguments (e.g. credentials) last.
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

    @BeforeAll
    static void startSecuredCluster() throws IOException {
        cluster = InProcessCluster.startSecured(dir, "");
        certs = cluster.certs();
        CollectionServiceGrpc.newBlockingStub(cluster.channel()).createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(CollectionSpec.newBuilder().setName(COLLECTION).setDimension(3).setMetric(Metric.L2)).build());
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
                    "--cacert", certs.ca().toString());
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
                certs.ca().toString());
        assertTrue(ok.stdout().endsWith("\n200"), ok::toString);
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
                "PING"));
        assertTrue(plaintext.exitCode() != 0 || !plaintext.stdout().contains("PONG"), plaintext::toString);
        assertEquals("PONG\n", redisCli(List.of("PING")).stdout());
    }

    /** {@code redis-cli --tls --cacert CA -h 127.0.0.1 -p PORT [extra...] COMMAND...}. */
    static Result redisCli(List<String> commandLine, String... extra) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", certs.ca().toString(),
                "-h", "127.0.0.1", "-p", String.valueOf(cluster.respPort())));
        command.addAll(List.of(extra));
        command.addAll(commandLine);
        return run(command);
    }

    // ---------------------------------------------------------------------------------------------
    // Python grpcio

    @Test
    void shouldAnswerPythonGrpcioWithSslChannelCredentials() {
        String target = "127.0.0.1:" + cluster.coordinator().grpcAddress().getPort();
        assertEquals("{\"reply_hex\": \"" + SERVING_HEX + "\"}\n",
                grpcPython(target, "/grpc.health.v1.Health/Check").stdout());
        Result listed = grpcPython(target, "/vxdb.v1.CollectionService/ListCollections");
        assertTrue(listed.stdout().contains(HexFormat.of().formatHex(COLLECTION.getBytes(StandardCharsets.UTF_8))),
                listed::toString);
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
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
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
