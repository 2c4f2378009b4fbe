package org.vxdb.node.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.service.grpc.AdmissionInterceptor;
import org.vxdb.service.grpc.CallMetricsInterceptor;
import org.vxdb.service.grpc.DeadlineInterceptor;
import org.vxdb.service.grpc.RequestIdInterceptor;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.node.config.CollectionDefaults;
import org.vxdb.node.metrics.NodeMetrics;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.EngineConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.wal.FsyncPolicy;

/** The node's gRPC services over a real engine in a temp dir, reached through an in-process channel. */
final class InProcessNode implements AutoCloseable {

    static final int MAX_BATCH_ROWS = 100;
    static final CollectionDefaults DEFAULTS = new CollectionDefaults(FsyncPolicy.NONE, Duration.ZERO, 0,
            CollectionConfig.BUFFER_BYTES_DEFAULT, CollectionConfig.BUFFER_AGE_DEFAULT);

    final NodeMetrics metrics = new NodeMetrics();
    final NodeState state = new NodeState();
    final StorageEngine engine;
    private final Server server;
    private final ManagedChannel channel;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    InProcessNode(Path dir) throws IOException {
        this(dir, 1000, 0);
    }

    InProcessNode(Path dir, int running, int queued) throws IOException {
        engine = StorageEngine.open(new EngineConfig().dataDirs(dir).nativeMemoryBudget(1L << 30));
        state.ready(engine, new org.vxdb.api.HybridLogicalClock(0));
        String name = InProcessServerBuilder.generateName();
        AdmissionInterceptor admission = new AdmissionInterceptor(running, queued, metrics.service()::requestRejected);
        InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
        for (var service : new io.grpc.BindableService[] {
            new VectorGrpcService(state, metrics, MAX_BATCH_ROWS),
            new CollectionGrpcService(state, DEFAULTS),
            new StorageNodeGrpcService(state, metrics, MAX_BATCH_ROWS,
                    new NodeStatusReport(state, List.of(dir), 1L << 30)::report)}) {
            b.addService(ServerInterceptors.intercept(service, new DeadlineInterceptor(Duration.ofMinutes(1), timers),
                    admission, new RequestIdInterceptor(), new CallMetricsInterceptor(metrics.service())));
        }
        server = b.build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    ManagedChannel channel() {
        return channel;
    }

    VectorServiceGrpc.VectorServiceBlockingStub vectors() {
        return VectorServiceGrpc.newBlockingStub(channel);
    }

    VectorServiceGrpc.VectorServiceStub vectorsAsync() {
        return VectorServiceGrpc.newStub(channel);
    }

    CollectionServiceGrpc.CollectionServiceBlockingStub collections() {
        return CollectionServiceGrpc.newBlockingStub(channel);
    }

    StorageNodeServiceGrpc.StorageNodeServiceBlockingStub internal() {
        return StorageNodeServiceGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        engine.close();
    }
}
