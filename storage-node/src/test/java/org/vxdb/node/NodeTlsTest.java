package org.vxdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.DevCerts;
import org.vxdb.service.tls.GrpcTls;
import org.vxdb.service.tls.TlsMaterial;

/** A node with a {@code tls:} section speaks only mutual TLS with clients of the cluster CA. */
class NodeTlsTest {

    @TempDir
    static Path dir;
    static DevCerts certs;
    static DevCerts otherCa;
    static StorageNode node;

    @BeforeAll
    static void startSecuredNode() throws IOException {
        certs = DevCerts.make(dir.resolve("certs"), "node-1", "coordinator");
        otherCa = DevCerts.make(dir.resolve("other-ca"), "coordinator");
        NodeConfig config = NodeConfig.parse("""
                node_id: node-1
                grpc:
                  listen: 127.0.0.1:0
                http:
                  listen: 127.0.0.1:0
                tls:
                  cert_file: certs/node-1.pem
                  key_file: certs/node-1.key
                  ca_file: certs/ca.pem
                  http: true
                storage:
                  data_dirs: [data]
                """, dir);
        assertEquals(ClientAuth.REQUIRE, config.tls().clientAuth());
        assertEquals(certs.cert("node-1"), config.tls().certFile());
        node = StorageNode.start(config);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static <T> T withChannel(ManagedChannel channel, Function<ManagedChannel, T> call) {
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    private static ManagedChannel tlsChannel(String host, SslContext tls) {
        return NettyChannelBuilder.forAddress(host, node.grpcAddress().getPort()).sslContext(tls).build();
    }

    private static HealthCheckResponse.ServingStatus health(ManagedChannel channel) {
        return withChannel(channel, ch -> HealthGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void shouldServeAClientWithACertificateFromTheClusterCa() {
        try (TlsMaterial coordinator = certs.material("coordinator")) {
            SslContext tls = GrpcTls.client(coordinator);
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(tlsChannel("127.0.0.1", tls)));
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(tlsChannel("localhost", tls)));
            int collections = withChannel(tlsChannel("127.0.0.1", tls), ch -> CollectionServiceGrpc.newBlockingStub(ch)
                    .listCollections(ListCollectionsRequest.getDefaultInstance()).getCollectionsCount());
            assertEquals(0, collections);
        }
    }

    @Test
    void shouldVerifyTheNodesNameAgainstItsCertificate() {
        try (TlsMaterial coordinator = certs.material("coordinator")) {
            SslContext tls = GrpcTls.client(coordinator);
            int port = node.grpcAddress().getPort();
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(NettyChannelBuilder.forAddress("127.0.0.1",
                    port).overrideAuthority("localhost:" + port).sslContext(tls).build()));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> health(NettyChannelBuilder
                    .forAddress("127.0.0.1", port).overrideAuthority("node-9.example:" + port).sslContext(tls).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            StringBuilder causes = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                causes.append(t).append('\n');
            }
            assertTrue(causes.toString().contains("No subject alternative DNS name matching node-9.example found"),
                    causes.toString());
        }
    }

    @Test
    void shouldRefuseAClientWithoutACertificateAtTheHandshake() throws IOException {
        SslContext noCertificate = GrpcSslContexts.forClient().trustManager(certs.ca().toFile()).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> health(tlsChannel("127.0.0.1", noCertificate)));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }

    @Test
    void shouldRefuseAClientWithACertificateFromAnotherCa() {
        // it trusts the node, but the node does not trust it
        try (TlsMaterial stranger = TlsMaterial.load(otherCa.cert("coordinator"), otherCa.key("coordinator"),
                certs.ca())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> health(tlsChannel("127.0.0.1", GrpcTls.client(stranger))));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void shouldRefusePlaintextAndKeepServing() throws IOException {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> health(
                ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcAddress().getPort()).usePlaintext().build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        try (Socket raw = new Socket("127.0.0.1", node.grpcAddress().getPort())) {
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByPeer(raw.getInputStream());
        }
        try (TlsMaterial coordinator = certs.material("coordinator")) {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                    health(tlsChannel("127.0.0.1", GrpcTls.client(coordinator))));
        }
    }

    @Test
    void shouldServeTheOperationsPortOverHttps() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(certs.trustingContext()).build();
        HttpResponse<String> ready = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + node.httpAddress().getPort() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertEquals("ready\n", ready.body());
        HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + node.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("vxdb_tls_reload_failures_total 0.0"), metrics.body());
    }

    /** Reads until the server closes the connection, which it must do without a reply. */
    static void assertClosedByPeer(InputStream in) throws IOException {
        try {
            byte[] buffer = new byte[256];
            int n;
            while ((n = in.read(buffer)) == 0) {
                Thread.onSpinWait();
            }
            assertEquals(-1, n, "the TLS listener answered plaintext: "
                    + new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
        } catch (SocketException reset) {
            // "Connection reset": closed as well
        }
    }
}
