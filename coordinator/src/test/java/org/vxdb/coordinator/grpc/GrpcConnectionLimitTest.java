package org.vxdb.coordinator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.coordinator.testing.InProcessCluster;

/** connections.max_per_listener on the gRPC listener. */
class GrpcConnectionLimitTest {

    @TempDir
    Path dir;

    private static ManagedChannel channel(InProcessCluster cluster) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", cluster.coordinator().grpcAddress().getPort())
                .usePlaintext().build();
    }

    private static void list(ManagedChannel ch) {
        CollectionServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .listCollections(ListCollectionsRequest.getDefaultInstance());
    }

    @Test
    void shouldRefuseCallsOnAConnectionBeyondTheLimitAndServeANewOneOnceThereIsRoom() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir, "connections:\n  max_per_listener: 1\n")) {
            ManagedChannel first = channel(cluster);
            ManagedChannel second = channel(cluster);
            try {
                list(first);
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> list(second));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
                assertEquals("coordinator is at its limit of 1 gRPC connections (connections.max_per_listener);"
                        + " reconnect later", refused.getStatus().getDescription());
                // health checks still answer on the refused connection
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(second)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus());
            } finally {
                first.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                second.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            // once both are gone, a new connection is served
            StatusRuntimeException last = null;
            for (int attempt = 0; attempt < 200; attempt++) {
                ManagedChannel third = channel(cluster);
                try {
                    list(third);
                    last = null;
                    break;
                } catch (StatusRuntimeException e) {
                    last = e; // the server may not have seen the old connections close yet
                    Thread.sleep(50);
                } finally {
                    third.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                }
            }
            assertEquals(null, last);
        }
    }
}
