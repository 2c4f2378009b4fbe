package org.vxdb.node;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.HybridLogicalClock;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.node.grpc.NodeStatusReport;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.grpc.AdmissionInterceptor;
import org.vxdb.node.grpc.CollectionGrpcService;
import org.vxdb.service.grpc.DeadlineInterceptor;
import org.vxdb.service.grpc.MalformedRequests;
import org.vxdb.service.grpc.CallMetricsInterceptor;
import org.vxdb.node.grpc.NodeState;
import org.vxdb.service.grpc.RequestIdInterceptor;
import org.vxdb.node.grpc.StorageNodeGrpcService;
import org.vxdb.node.grpc.VectorGrpcService;
import org.vxdb.service.http.OpsHttpServer;
import org.vxdb.node.metrics.MetricsStorageListener;
import org.vxdb.node.metrics.NodeMetrics;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.EngineStats;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.service.tracing.Tracing;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.GrpcTls;
import org.vxdb.service.tls.JdkTls;
import org.vxdb.service.tls.TlsMaterial;
import org.vxdb.service.tls.TlsProtocols;

/**
 * A running storage node: the HTTP operations endpoints, the gRPC server (public API, internal
 * API, health, reflection) and the storage engine behind them. With a {@code tls:} section the gRPC
 * server speaks only mutual TLS: a client must present a certificate from the cluster CA.
 *
 * <p>Start order: HTTP first (alive, not ready), then gRPC (health NOT_SERVING, data calls
 * UNAVAILABLE), then the engine opens (WAL replayed, segments mapped, indexes loaded), then the
 * node turns ready. {@link #shutdown} runs the reverse: not ready, stop accepting, drain in-flight
 * calls within the grace period, close the engine (WAL synced, mappings and native indexes
 * released), stop HTTP.
 */
public final class StorageNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageNode.class);
    private static final String[] SERVICES = {"", VectorServiceGrpc.SERVICE_NAME, CollectionServiceGrpc.SERVICE_NAME,
        StorageNodeServiceGrpc.SERVICE_NAME};

    private final NodeConfig config;
    private final NodeMetrics metrics = new NodeMetrics();
    private final NodeState state = new NodeState();
    private final HealthStatusManager health = new HealthStatusManager();
    private final NodeStatusReport statusReport;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    /** The node's certificate, key and CA, reloaded when the files change; null when it serves plaintext. */
    private TlsMaterial tls;
    private OpsHttpServer http;
    private Server grpc;
    private volatile StorageEngine engine;
    /** Spans of shard searches; closed here only when this node opened it from its config. */
    private final Tracing tracing;
    private final boolean ownsTracing;
    private volatile boolean alive = true;
    private boolean stopped;

    private StorageNode(NodeConfig config, Tracing tracing, boolean ownsTracing) {
        this.config = config;
        this.tracing = tracing;
        this.ownsTracing = ownsTracing;
        this.statusReport = new NodeStatusReport(state, config.dataDirs(), config.nativeMemoryBudget());
        metrics.registerDataDirGauges(config.dataDirs());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.grpcWorkerThreads(), r -> {
            Thread t = new Thread(r, "vxdb-grpc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vxdb-timers");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts everything; returns once the node is ready. On failure everything started is stopped. */
    public static StorageNode start(NodeConfig config) throws IOException {
        return start(new StorageNode(config, Tracing.open(config.tracing()), true));
    }

    /**
     * With the caller's tracing instead of the one {@code config.tracing()} describes (tests record
     * spans in memory); the caller closes it after the node.
     */
    public static StorageNode start(NodeConfig config, Tracing tracing) throws IOException {
        return start(new StorageNode(config, tracing, false));
    }

    private static StorageNode start(StorageNode node) throws IOException {
        try {
            node.startAll();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startAll() throws IOException {
        long t0 = System.nanoTime();
        for (String service : SERVICES) {
            health.setStatus(service, ServingStatus.NOT_SERVING);
        }
        metrics.service().ready(false);
        startTls();
        http = OpsHttpServer.start(socket(config.httpListen()), tls != null && config.tls().http()
                ? JdkTls.server(tls, ClientAuth.NONE) : null, metrics.service(), state::notReadyReason, () -> alive);
        grpc = buildServer().start();
        LOG.info("node {}: gRPC on {}, HTTP on {}; opening storage on {}", config.nodeId(), grpcAddress(),
                httpAddress(), config.dataDirs());
        if (config.indexThreads() > 0) {
            VectorIndexProviders.get().setThreads(config.indexThreads());
        }
        engine = StorageEngine.open(config.engineConfig().listener(new MetricsStorageListener(metrics)));
        metrics.registerEngineGauges(this::engineStats);
        timers.scheduleWithFixedDelay(this::maintain, MAINTENANCE_PERIOD_MS, MAINTENANCE_PERIOD_MS,
                TimeUnit.MILLISECONDS);
        state.ready(engine, new HybridLogicalClock(newestVersion(engine)));
        for (String service : SERVICES) {
            health.setStatus(service, ServingStatus.SERVING);
        }
        metrics.service().ready(true);
        EngineStats s = engine.stats();
        LOG.info("node {} ready in {} ms: {} collections, {} shards, {} vectors", config.nodeId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), s.collections(), s.shards(), s.vectors());
    }

    /** Mutual TLS: the gRPC server takes only clients whose certificate chains to {@code tls.ca_file}. */
    private void startTls() {
        if (config.tls() == null) {
            return;
        }
        tls = config.tls().loadMaterial();
        tls.startReloading(timers, config.tls().reloadInterval());
        metrics.service().registerTls(tls);
        LOG.info("node {}: mutual TLS on gRPC{} ({}; client certificates required); {}", config.nodeId(),
                config.tls().http() ? " and HTTPS on the operations port" : "", TlsProtocols.summaryWithGrpc(TlsProtocols.PROVIDER),
                tls.describe());
    }

    /** How often buffers are checked against their age trigger (collection buffer_age). */
    static final long MAINTENANCE_PERIOD_MS = 1000;

    /** Seals buffers that reached their age; a failure is logged and retried next period. */
    private void maintain() {
        StorageEngine e = engine;
        if (e == null || !state.isReady()) {
            return;
        }
        try {
            for (var c : e.listCollections()) {
                e.collection(c.name()).ifPresent(collection -> {
                    try {
                        collection.maintain();
                    } catch (IllegalStateException droppedMeanwhile) {
                        // dropped or closed between listing and maintaining: nothing to do
                    }
                });
            }
        } catch (RuntimeException failure) {
            LOG.warn("node {}: maintenance failed: {}", config.nodeId(), failure.toString());
        }
    }

    private EngineStats engineStats() {
        StorageEngine e = engine;
        if (e == null || !state.isReady()) {
            return null;
        }
        try {
            return e.stats();
        } catch (IllegalStateException closed) {
            return null;
        }
    }

    private static long newestVersion(StorageEngine engine) {
        long newest = 0;
        for (var config : engine.listCollections()) {
            Collection c = engine.require(config.name());
            for (int s = 0; s < c.shardCount(); s++) {
                newest = Math.max(newest, c.shard(s).maxVersion());
            }
        }
        return newest;
    }

    private Server buildServer() {
        AdmissionInterceptor admission = new AdmissionInterceptor(config.maxConcurrentRequests(),
                config.maxQueuedRequests(), metrics.service()::requestRejected);
        NettyServerBuilder b = NettyServerBuilder.forAddress(socket(config.grpcListen()))
                .executor(workers)
                .maxInboundMessageSize(config.maxMessageBytes())
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance());
        if (tls != null) {
            b.sslContext(GrpcTls.server(tls, ClientAuth.REQUIRE));
        }
        for (ServerServiceDefinition service : new ServerServiceDefinition[] {
            new VectorGrpcService(state, metrics, config.maxBatchRows()).bindService(),
            new CollectionGrpcService(state, config.collectionDefaults()).bindService(),
            new StorageNodeGrpcService(state, metrics, config.maxBatchRows(), statusReport::report,
                    tracing.tracer(), config.nodeId()).bindService()}) {
            // Listed innermost first: the metrics interceptor sees every call, refused ones included.
            b.addService(MalformedRequests.wrap(service, tracing.innermostFirst(
                    new DeadlineInterceptor(config.defaultDeadline(), timers), admission, new RequestIdInterceptor(),
                    new CallMetricsInterceptor(metrics.service()))));
        }
        return b.build();
    }

    private static InetSocketAddress socket(HostAndPort a) {
        return new InetSocketAddress(a.host(), a.port());
    }

    /** The full name of every gRPC method this node serves ({@code vxdb.internal.v1.StorageNodeService/WriteShard}, ...). */
    public java.util.List<String> grpcMethods() {
        return grpc.getServices().stream().flatMap(s -> s.getMethods().stream())
                .map(m -> m.getMethodDescriptor().getFullMethodName()).sorted().toList();
    }

    public InetSocketAddress grpcAddress() {
        return (InetSocketAddress) grpc.getListenSockets().getFirst();
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    public NodeState state() {
        return state;
    }

    /** The open engine (for in-process callers and tests). */
    public StorageEngine engine() {
        return state.engine();
    }

    /**
     * Graceful shutdown: not ready, stop accepting, let in-flight calls finish for up to
     * {@code grace}, cancel what is left, then close the engine and the HTTP server.
     * Returns true when every call finished within the grace period.
     */
    public synchronized boolean shutdown(Duration grace) {
        if (stopped) {
            return true;
        }
        stopped = true;
        long t0 = System.nanoTime();
        LOG.info("node {}: shutting down; draining in-flight requests for up to {}", config.nodeId(), grace);
        state.notReady("shutting down");
        metrics.service().ready(false);
        health.enterTerminalState();
        boolean drained = drain(grace);
        closeEngine();
        alive = false;
        if (http != null) {
            http.close();
        }
        if (tls != null) {
            tls.close();
        }
        workers.shutdownNow();
        timers.shutdownNow();
        if (ownsTracing) {
            tracing.close();
        }
        LOG.info("node {}: stopped in {} ms ({})", config.nodeId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                drained ? "every request finished" : "requests still running after the grace period were cancelled");
        return drained;
    }

    private boolean drain(Duration grace) {
        if (grpc == null) {
            return true;
        }
        grpc.shutdown();
        try {
            if (grpc.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
            LOG.warn("node {}: requests still running after {}; cancelling them", config.nodeId(), grace);
            grpc.shutdownNow();
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            grpc.shutdownNow();
        }
        return false;
    }

    private void closeEngine() {
        StorageEngine e = engine;
        if (e == null) {
            return;
        }
        try {
            e.close();
        } catch (RuntimeException failure) {
            LOG.error("node {}: closing the storage engine failed", config.nodeId(), failure);
        }
    }

    /** Blocks until the gRPC server has terminated. */
    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    @Override
    public void close() {
        shutdown(config.shutdownGrace());
    }
}
