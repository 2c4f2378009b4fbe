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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.node.config.NodeConfig;

/** A whole node in process, over real loopback sockets. */
class StorageNodeTest {

    @TempDir
    Path dir;

    private static NodeConfig config(Path dataDir) {
        return NodeConfig.defaults(dataDir).withGrpcListen(new HostAndPort("127.0.0.1", 0))
                .withHttpListen(new HostAndPort("127.0.0.1", 0));
    }

    @Test
    void shouldSealBuffersOnceTheyReachTheirAgeWithoutBeingAsked() throws Exception {
        try (StorageNode node = StorageNode.start(config(dir))) {
            ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcAddress().getPort())
                    .usePlaintext().build();
            try {
                CollectionServiceGrpc.CollectionServiceBlockingStub collections = CollectionServiceGrpc.newBlockingStub(ch);
                collections.createCollection(CreateCollectionRequest.newBuilder().setSpec(CollectionSpec.newBuilder()
                        .setName("aging").setDimension(2).setMetric(Metric.L2).setBufferAgeMillis(200)).build());
                VectorServiceGrpc.newBlockingStub(ch).upsert(WriteRequest.newBuilder().setCollection("aging")
                        .addVectors(Vector.newBuilder().setId(1).addValues(1).addValues(2)).build());
                int segments = 0;
                for (int i = 0; i < 600 && segments == 0; i++) {
                    Thread.sleep(100);
                    segments = collections.describeCollection(DescribeCollectionRequest.newBuilder().setName("aging")
                            .build()).getCollection().getStats().getSegmentCount();
                }
                assertEquals(1, segments, "the node's maintenance never sealed the aged buffer");
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void shouldRefuseAMessageOverTheSizeLimitAndStayUp() throws Exception {
        NodeConfig small = NodeConfig.parse("""
                node_id: small
                grpc:
                  listen: 127.0.0.1:0
                  max_message_bytes: 1KiB
                http:
                  listen: 127.0.0.1:0
                storage:
                  data_dirs: [data]
                """, dir);
        try (StorageNode node = StorageNode.start(small)) {
            ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcAddress().getPort())
                    .usePlaintext().build();
            try {
                CollectionServiceGrpc.newBlockingStub(ch).createCollection(CreateCollectionRequest.newBuilder()
                        .setSpec(CollectionSpec.newBuilder().setName("big").setDimension(512).setMetric(Metric.L2))
                        .build());
                Vector.Builder v = Vector.newBuilder().setId(1);
                for (int i = 0; i < 512; i++) {
                    v.addValues(i);
                }
                WriteRequest tooBig = WriteRequest.newBuilder().setCollection("big").addVectors(v).build();
                VectorServiceGrpc.VectorServiceBlockingStub vectors = VectorServiceGrpc.newBlockingStub(ch);
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> vectors.upsert(tooBig));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
                assertEquals("gRPC message exceeds maximum size 1024: " + tooBig.getSerializedSize(),
                        e.getStatus().getDescription());
                assertEquals(0, node.engine().require("big").count());
                assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                        HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()).getStatus());
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void shouldStopServingAndReleaseEverythingOnShutdown() throws Exception {
        StorageNode node = StorageNode.start(config(dir));
        int grpcPort = node.grpcAddress().getPort();
        URI readyz = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/readyz");
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()).getStatus());
            assertTrue(node.shutdown(Duration.ofSeconds(5)));
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertEquals("node is not ready: shutting down", assertThrows(
                    org.vxdb.node.grpc.NodeNotReadyException.class, node::engine).getMessage());
        } finally {
            ch.shutdownNow();
        }
        // The data dirs are released: a new node opens them at once.
        try (StorageNode again = StorageNode.start(config(dir))) {
            assertTrue(again.state().isReady());
        }
    }
}
