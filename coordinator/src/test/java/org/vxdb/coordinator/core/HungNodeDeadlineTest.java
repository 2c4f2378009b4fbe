package org.vxdb.coordinator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.ShardSearchRequest;
import org.vxdb.api.internal.v1.ShardSearchResponse;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.DescribeCollectionResponse;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.config.CoordinatorConfig;

/**
 * A search whose storage node never answers ends at the caller's deadline, with DEADLINE_EXCEEDED,
 * whether it started on the caller's thread (the collection's spec cached) or on a core thread (the
 * spec fetched first); the node call is cancelled, the in-flight slot is given back, and the
 * coordinator goes on serving. The node is a real gRPC server that answers the collection's spec
 * and its status but holds every search.
 */
class HungNodeDeadlineTest {

    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private Server node;
    private Coordinator coordinator;
    private final HungSearches searches = new HungSearches();

    /** Holds every SearchShards call; counts the calls and their cancellations. */
    private static final class HungSearches extends StorageNodeServiceGrpc.StorageNodeServiceImplBase {
        final AtomicInteger received = new AtomicInteger();
        /** One permit per cancelled call. */
        final Semaphore cancelled = new Semaphore(0);
        final List<StreamObserver<ShardSearchResponse>> held = new CopyOnWriteArrayList<>();

        @Override
        public void searchShards(ShardSearchRequest request, StreamObserver<ShardSearchResponse> out) {
            ((ServerCallStreamObserver<ShardSearchResponse>) out).setOnCancelHandler(cancelled::release);
            held.add(out);
            received.incrementAndGet();
        }

        @Override
        public void nodeStatus(NodeStatusRequest request, StreamObserver<NodeStatusResponse> out) {
            out.onNext(NodeStatusResponse.newBuilder().setReady(true).build());
            out.onCompleted();
        }
    }

    /** Answers the spec of "docs" (3-d, L2). */
    private static final class Collections extends CollectionServiceGrpc.CollectionServiceImplBase {
        @Override
        public void describeCollection(DescribeCollectionRequest request, StreamObserver<DescribeCollectionResponse> out) {
            out.onNext(DescribeCollectionResponse.newBuilder().setCollection(CollectionInfo.newBuilder()
                    .setSpec(CollectionSpec.newBuilder().setName(request.getName()).setDimension(3)
                            .setMetric(Metric.L2))).build());
            out.onCompleted();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
        }
        if (node != null) {
            node.shutdownNow().awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void start() throws Exception {
        node = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(searches).addService(new Collections()).build().start();
        Files.writeString(dir.resolve("topology.yaml"), """
                total_clusters: 2
                replication_factor: 1
                nodes:
                  - {id: hung, address: "127.0.0.1:%d"}
                ranges:
                  - {clusters: 0-1, replicas: [hung]}
                """.formatted(node.getPort()));
        Files.writeString(dir.resolve("coordinator.yaml"), """
                coordinator_id: coord-hung
                grpc:
                  listen: 127.0.0.1:0
                http:
                  listen: 127.0.0.1:0
                topology:
                  file: topology.yaml
                  reload_interval: 0s
                nodes:
                  call_timeout: 60s
                """);
        coordinator = Coordinator.start(CoordinatorConfig.load(dir.resolve("coordinator.yaml")), null);
    }

    private CompletableFuture<?> search(Duration deadline) {
        CallContext ctx = CallContext.of(Caller.anonymous("127.0.0.1:1", "test"), null, deadline);
        return coordinator.core().search(ctx, SearchRequest.newBuilder().setCollection("docs")
                .addQuery(1).addQuery(2).addQuery(3).setK(5).build());
    }

    private static void assertDeadlineExceeded(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        VxdbException failure = assertInstanceOf(VxdbException.class, e.getCause());
        assertEquals(VxdbException.Code.DEADLINE_EXCEEDED, failure.code(), failure.getMessage());
        assertEquals("the deadline passed before Search finished", failure.getMessage());
    }

    /**
     * Every node call made so far is cancelled (each cancellation releases a permit), and the
     * in-flight slots are all back. The budget announces no event for that, so it is polled, with
     * the same bound.
     */
    private void awaitCleanedUp(CoordinatorCore core, int cancelledBefore) throws InterruptedException {
        int calls = searches.received.get() - cancelledBefore;
        assertTrue(searches.cancelled.tryAcquire(calls, WAIT_SECONDS, TimeUnit.SECONDS),
                "node calls not cancelled: " + calls + " expected");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (core.budget().inFlight() != 0) {
            assertTrue(System.nanoTime() < end, "in-flight slots not released: " + core.budget().inFlight());
            Thread.sleep(5);
        }
    }

    @Test
    void aSearchOfAHungNodeEndsAtItsDeadlineAndCancelsTheNodeCall() throws Exception {
        start();
        CoordinatorCore core = coordinator.core();
        // First search: the spec is not cached, so a core thread fetches it, then calls the node.
        assertDeadlineExceeded(search(Duration.ofMillis(500)));
        assertTrue(searches.received.get() >= 1, "the node got no search");
        awaitCleanedUp(core, 0);

        // Second search: the spec is cached, so it starts on this thread; its context's deadline ends it.
        int before = searches.received.get();
        assertDeadlineExceeded(search(Duration.ofMillis(300)));
        assertTrue(searches.received.get() > before, "the node got no search");
        awaitCleanedUp(core, before);

        // The coordinator goes on serving: the next search is admitted and ends the same way.
        before = searches.received.get();
        assertDeadlineExceeded(search(Duration.ofMillis(200)));
        assertTrue(searches.received.get() > before, "the node got no search");
        awaitCleanedUp(core, before);
        assertEquals(0, searches.held.stream().filter(o -> !((ServerCallStreamObserver<?>) o).isCancelled()).count());
    }
}
