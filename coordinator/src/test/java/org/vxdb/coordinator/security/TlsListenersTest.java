package org.vxdb.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.security.TlsProbe.assertPlaintextRefused;
import static org.vxdb.coordinator.security.TlsProbe.respPing;
import static org.vxdb.coordinator.security.TlsProbe.restGet;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.tls.DevCerts;

/**
 * A secured cluster: the coordinator serves TLS on gRPC, REST, WebSocket and RESP (clients need only the CA),
 * refuses plaintext there and goes on serving, and reaches its nodes over mutual TLS.
 */
class TlsListenersTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static DevCerts certs;

    @BeforeAll
    static void startSecuredCluster() throws IOException {
        cluster = InProcessCluster.startSecured(dir, "");
        certs = cluster.certs();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldServeGrpcOverTlsAndReachTheNodesOverMutualTls() {
        CollectionServiceGrpc.newBlockingStub(cluster.channel()).createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(CollectionSpec.newBuilder().setName("secure").setDimension(2).setMetric(Metric.L2)).build());
        VectorServiceGrpc.VectorServiceBlockingStub vectors = VectorServiceGrpc.newBlockingStub(cluster.channel());
        vectors.upsert(WriteRequest.newBuilder().setCollection("secure")
                .addVectors(Vector.newBuilder().setId(7).addValues(1).addValues(2)).build());
        SearchResponse found = vectors.search(SearchRequest.newBuilder().setCollection("secure").setK(1)
                .addQuery(1).addQuery(2).build());
        assertEquals(7, found.getHits(0).getId());
        assertEquals(false, found.getPartial());
    }

    @Test
    void shouldServeRestOverHttpsToAClientThatTrustsTheCa() throws IOException {
        HttpResponse<String> listed = restGet(certs.trustingContext(), cluster.restPort(), "/v1/collections");
        assertEquals(200, listed.statusCode());
        assertTrue(listed.body().startsWith("{\"collections\":["), listed.body());
        assertEquals(certs.serial("coordinator"), TlsProbe.serial(listed));
        assertEquals("TLSv1.3", listed.sslSession().orElseThrow().getProtocol());
    }

    @Test
    void shouldServeWebSocketStreamsOverTls() throws Exception {
        CollectionServiceGrpc.newBlockingStub(cluster.channel()).createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(CollectionSpec.newBuilder().setName("streamed").setDimension(2).setMetric(Metric.L2)).build());
        CompletableFuture<String> first = new CompletableFuture<>();
        try (HttpClient client = HttpClient.newBuilder().sslContext(certs.trustingContext()).build()) {
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + cluster.restPort()
                    + "/v1/stream?collection=streamed"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            first.complete(data.toString());
                            webSocket.request(1); // and on, to the server's close
                            return null;
                        }
                    }).get(30, TimeUnit.SECONDS);
            String ready = first.get(30, TimeUnit.SECONDS);
            assertTrue(ready.startsWith("{\"type\":\"ready\""), ready);
            assertTrue(ready.contains("\"collection\":\"streamed\""), ready);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldServeRespOverTls() throws IOException {
        TlsProbe.Answer pong = respPing(certs.trustingContext(), cluster.respPort());
        assertEquals("+PONG", pong.reply());
        assertEquals(certs.serial("coordinator"), pong.serial());
    }

    @Test
    void shouldRefusePlaintextOnEveryTlsListenerAndKeepServing() throws IOException {
        assertPlaintextRefused(cluster.restPort(), "GET /v1/collections HTTP/1.1\r\nHost: x\r\n\r\n");
        assertPlaintextRefused(cluster.respPort(), "*1\r\n$4\r\nPING\r\n");
        assertPlaintextRefused(cluster.coordinator().grpcAddress().getPort(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        ManagedChannel plaintext = ManagedChannelBuilder.forAddress("127.0.0.1",
                cluster.coordinator().grpcAddress().getPort()).usePlaintext().build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> HealthGrpc
                    .newBlockingStub(plaintext).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            plaintext.shutdownNow();
        }

        assertEquals(200, restGet(certs.trustingContext(), cluster.restPort(), "/v1/collections").statusCode());
        assertEquals("+PONG", respPing(certs.trustingContext(), cluster.respPort()).reply());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(cluster.channel())
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void shouldRefuseAClientThatDoesNotTrustTheCoordinatorsCa() {
        DevCerts stranger = DevCerts.make(dir.resolve("stranger"), "client");
        assertThrows(IOException.class, () -> restGet(stranger.trustingContext(), cluster.restPort(), "/v1/collections"));
        assertThrows(IOException.class, () -> respPing(stranger.trustingContext(), cluster.respPort()));
    }

    @Test
    void shouldKeepTheOperationsPortPlainWithoutTlsHttp() throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + cluster.coordinator().httpAddress().getPort() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().equals("ready\n"), ready.body());
    }
}
