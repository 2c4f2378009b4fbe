package org.vxdb.coordinator;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
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
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.coordinator.api.CoordinatorApi;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.repair.Repairer;
import org.vxdb.coordinator.routing.HybridLogicalClock;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.coordinator.topology.TopologyWatcher;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.grpc.AdmissionInterceptor;
import org.vxdb.service.grpc.CallMetricsInterceptor;
import org.vxdb.service.grpc.DeadlineInterceptor;
import org.vxdb.service.grpc.RequestIdInterceptor;
import org.vxdb.service.http.OpsHttpServer;

/**
 * A running coordinator: the public gRPC API over the storage nodes of a static topology, health,
 * metrics, optional topology hot reload and periodic repair. It holds no data: any number can run.
 */
public final class Coordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    private static final String[] SERVICES = {"", VectorServiceGrpc.SERVICE_NAME, CollectionServiceGrpc.SERVICE_NAME};

    private final CoordinatorConfig config;
    private final CoordinatorMetrics metrics = new CoordinatorMetrics();
    private final HealthStatusManager health = new HealthStatusManager();
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final NodeClients clients;
    private volatile String notReady = "starting";
    private volatile boolean alive = true;
    private OpsHttpServer http;
    private Server grpc;
    private TopologyWatcher watcher;
    private boolean stopped;

    private Coordinator(CoordinatorConfig config, Topology topology) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.grpcWorkerThreads(), r -> {
            Thread t = new Thread(r, "vxdb-coord-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vxdb-coord-timers");
            t.setDaemon(true);
            return t;
        });
        this.clients = new NodeClients(config, topology, timers, metrics::breakerTransition);
    }

    public static Coordinator start(CoordinatorConfig config) throws IOException {
        Topology topology = Topology.load(config.topologyFile());
        Coordinator c = new Coordinator(config, topology);
        try {
            c.startAll(topology);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void startAll(Topology topology) throws IOException {
        for (String s : SERVICES) {
            health.setStatus(s, ServingStatus.NOT_SERVING);
        }
        metrics.registerNodeGauges(clients::view);
        http = OpsHttpServer.start(socket(config.httpListen()), metrics.service(), () -> notReady, () -> alive);
        grpc = buildServer().start();
        if (!config.topologyReloadInterval().isZero()) {
            watcher = TopologyWatcher.start(config.topologyFile(), topology, config.topologyReloadInterval(),
                    clients::update, timers);
        }
        if (!config.repairInterval().isZero()) {
            long every = config.repairInterval().toMillis();
            timers.scheduleWithFixedDelay(this::repairPass, every, every, TimeUnit.MILLISECONDS);
        }
        notReady = null;
        for (String s : SERVICES) {
            health.setStatus(s, ServingStatus.SERVING);
        }
        metrics.service().ready(true);
        LOG.info("coordinator {} ready: gRPC on {}, HTTP on {}; topology {}", config.coordinatorId(), grpcAddress(),
                httpAddress(), topology.summary());
    }

    private void repairPass() {
        try {
            new Repairer(clients, config.repairBuckets(), config.maxBatchRows()).repairAll();
        } catch (RuntimeException e) {
            LOG.warn("periodic repair failed: {}", e.toString());
        }
    }

    private Server buildServer() {
        AdmissionInterceptor admission = new AdmissionInterceptor(config.maxConcurrentRequests(),
                config.maxQueuedRequests(), metrics.service()::requestRejected);
        NettyServerBuilder b = NettyServerBuilder.forAddress(socket(config.grpcListen())).executor(workers)
                .maxInboundMessageSize(config.maxMessageBytes())
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance());
        for (BindableService service : CoordinatorApi.services(clients, clock, metrics, config.consistency(),
                config.maxBatchRows(), config.defaultDeadline())) {
            b.addService(ServerInterceptors.intercept(service, new DeadlineInterceptor(config.defaultDeadline(), timers),
                    admission, new RequestIdInterceptor(), new CallMetricsInterceptor(metrics.service())));
        }
        return b.build();
    }

    private static InetSocketAddress socket(HostAndPort a) {
        return new InetSocketAddress(a.host(), a.port());
    }

    public InetSocketAddress grpcAddress() {
        return (InetSocketAddress) grpc.getListenSockets().getFirst();
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    public NodeClients clients() {
        return clients;
    }

    public CoordinatorMetrics metrics() {
        return metrics;
    }

    /** Not ready, stop accepting, drain in-flight calls for up to {@code grace}, close node connections. */
    public synchronized boolean shutdown(Duration grace) {
        if (stopped) {
            return true;
        }
        stopped = true;
        notReady = "shutting down";
        metrics.service().ready(false);
        health.enterTerminalState();
        boolean drained = true;
        if (grpc != null) {
            grpc.shutdown();
            try {
                if (!grpc.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                    drained = false;
                    grpc.shutdownNow();
                    grpc.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                grpc.shutdownNow();
            }
        }
        if (watcher != null) {
            watcher.close();
        }
        clients.close();
        alive = false;
        if (http != null) {
            http.close();
        }
        timers.shutdownNow();
        workers.shutdownNow();
        LOG.info("coordinator {} stopped ({})", config.coordinatorId(),
                drained ? "every request finished" : "requests still running after the grace period were cancelled");
        return drained;
    }

    @Override
    public void close() {
        shutdown(config.shutdownGrace());
    }
}
