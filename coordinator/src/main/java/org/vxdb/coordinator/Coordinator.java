package org.vxdb.coordinator;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.coordinator.grpc.CallerInterceptor;
import org.vxdb.coordinator.grpc.ConnectionLimit;
import org.vxdb.coordinator.grpc.GrpcCollectionAdapter;
import org.vxdb.coordinator.grpc.GrpcVectorAdapter;
import org.vxdb.coordinator.grpc.RateLimitInterceptor;
import org.vxdb.coordinator.net.ClientRateLimits;
import org.vxdb.coordinator.net.ListenerTls;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.net.ProtocolListener;
import org.vxdb.coordinator.resp.RespAdapter;
import org.vxdb.coordinator.rest.RestAdapter;
import org.vxdb.coordinator.ws.WebSocketStreams;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.config.ProtocolSettings;
import org.vxdb.coordinator.repair.AntiEntropy;
import org.vxdb.coordinator.hints.HintReplayer;
import org.vxdb.coordinator.hints.HintStore;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.api.VersionCodec;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.HybridLogicalClock;
import org.vxdb.coordinator.security.AuditLogTrail;
import org.vxdb.coordinator.security.Security;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.coordinator.topology.TopologyWatcher;
import org.vxdb.service.audit.AuditLog;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.grpc.CallMetricsInterceptor;
import org.vxdb.service.grpc.DeadlineInterceptor;
import org.vxdb.service.grpc.MalformedRequests;
import org.vxdb.service.grpc.RequestIdInterceptor;
import org.vxdb.service.http.OpsHttpServer;
import org.vxdb.service.tracing.Tracing;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.GrpcTls;
import org.vxdb.service.tls.JdkTls;
import org.vxdb.service.tls.TlsMaterial;
import org.vxdb.service.tls.TlsProtocols;

/**
 * A running coordinator: the public gRPC API over the storage nodes of a static topology, health,
 * metrics, optional topology hot reload and periodic repair. It holds no data: any number can run.
 * With a {@code tls:} section every listener serves TLS and node channels use mutual TLS.
 */
public final class Coordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    private static final String[] SERVICES = {"", VectorServiceGrpc.SERVICE_NAME, CollectionServiceGrpc.SERVICE_NAME};
    /** Hints kept per node at most; a longer outage is left to anti-entropy. */
    static final long HINTS_MAX_BYTES = 1L << 30;

    private final CoordinatorConfig config;
    private final CoordinatorMetrics metrics = new CoordinatorMetrics();
    private final HealthStatusManager health = new HealthStatusManager();
    private final HybridLogicalClock clock = new HybridLogicalClock(0);
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    /** Hint replay and the anti-entropy pass: long-running work kept off the timers. */
    private final ScheduledExecutorService background;
    private final NodeClients clients;
    private final HintStore hints;
    private final CoordinatorCore core;
    private final Security security;
    private final AuditLog audit;
    /** Certificate, key and CA of every listener and of the channels to nodes; null when plaintext. */
    private final TlsMaterial tls;
    /** Spans of searches; closed here only when this coordinator opened it from its config. */
    private final Tracing tracing;
    private final boolean ownsTracing;
    private volatile String notReady = "starting";
    private volatile boolean alive = true;
    /** Event loops of the REST/WebSocket and RESP listeners (gRPC has its own, shaded). */
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("vxdb-accept", true), NioIoHandler.newFactory());
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(0,
            new DefaultThreadFactory("vxdb-io", true), NioIoHandler.newFactory());
    private final ClientRateLimits rateLimits;
    private ProtocolContext protocols;
    private ProtocolListener rest;
    private ProtocolListener resp;
    private OpsHttpServer http;
    private Server grpc;
    private TopologyWatcher watcher;
    private boolean stopped;

    private Coordinator(CoordinatorConfig config, Topology topology, TlsMaterial tls, Tracing tracing,
                        boolean ownsTracing) throws IOException {
        this.config = config;
        this.tls = tls;
        this.tracing = tracing;
        this.ownsTracing = ownsTracing;
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
        this.background = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vxdb-coord-background");
            t.setDaemon(true);
            return t;
        });
        this.clients = new NodeClients(config, topology, timers, metrics::breakerTransition,
                tls == null ? null : GrpcTls.client(tls), tracing);
        this.rateLimits = new ClientRateLimits(config.protocols().limits().rateLimit(),
                config.protocols().limits().rateBurst());
        this.audit = AuditLog.open(config.audit());
        metrics.registerAudit(audit);
        this.security = Security.open(config.security(), new AuditLogTrail(audit), timers);
        this.hints = new HintStore(config.write().hintsDir().resolve(config.coordinatorId()), HINTS_MAX_BYTES);
        this.core = new CoordinatorCore(clients, clock, metrics, config.consistency(), config.maxBatchRows(),
                config.defaultDeadline(), config.maxConcurrentRequests(), config.maxQueuedRequests(), security,
                config.coordinatorId(), hints, tracing.tracer());
    }

    public static Coordinator start(CoordinatorConfig config) throws IOException {
        return start(config, null);
    }

    /**
     * With the caller's tracing instead of the one {@code config.tracing()} describes (tests record
     * spans in memory), or null for the config's; the caller closes its own after the coordinator.
     */
    public static Coordinator start(CoordinatorConfig config, Tracing callersTracing) throws IOException {
        Topology topology = Topology.load(config.topologyFile());
        TlsMaterial tlsMaterial = config.tls() == null ? null : config.tls().loadMaterial();
        Tracing tracing = callersTracing != null ? callersTracing : Tracing.open(config.tracing());
        Coordinator c = new Coordinator(config, topology, tlsMaterial, tracing, callersTracing == null);
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
        startTls();
        http = OpsHttpServer.start(socket(config.httpListen()), tls != null && config.tls().http()
                ? JdkTls.server(tls, ClientAuth.NONE) : null, metrics.service(), () -> notReady, () -> alive);
        grpc = buildServer().start();
        startProtocolListeners();
        if (!config.topologyReloadInterval().isZero()) {
            watcher = TopologyWatcher.start(config.topologyFile(), topology, config.topologyReloadInterval(),
                    clients::update, timers);
        }
        seedClock();
        startReplication();
        notReady = null;
        for (String s : SERVICES) {
            health.setStatus(s, ServingStatus.SERVING);
        }
        metrics.service().ready(true);
        LOG.info("coordinator {} ready: gRPC on {}, HTTP on {}, REST on {}, RESP on {}; topology {}",
                config.coordinatorId(), grpcAddress(), httpAddress(), restAddress(), respAddress(), topology.summary());
    }

    private void startTls() {
        if (tls == null) {
            return;
        }
        tls.startReloading(timers, config.tls().reloadInterval());
        metrics.service().registerTls(tls);
        LOG.info("coordinator {}: TLS on gRPC, REST, RESP{} ({}; client certificates: {}) and mutual TLS to nodes; {}",
                config.coordinatorId(), config.tls().http() ? " and the operations port" : "",
                TlsProtocols.summaryWithGrpc(ListenerTls.providerName() + " (REST, RESP)"
                        + (config.tls().http() ? " and " + TlsProtocols.PROVIDER + " (operations port)" : "")),
                config.tls().clientAuth().name().toLowerCase(Locale.ROOT), tls.describe());
    }

    private void startProtocolListeners() {
        ProtocolSettings p = config.protocols();
        SslContext listenerTls = tls == null ? null : ListenerTls.server(tls, config.tls().clientAuth());
        ProtocolContext context = new ProtocolContext(core, p.limits(), rateLimits, metrics);
        protocols = context;
        if (p.restListen() != null) {
            rest = ProtocolListener.start(p.restListen(), new RestAdapter(context), p.limits(), boss, loops, metrics,
                    listenerTls);
        }
        if (p.respListen() != null) {
            resp = ProtocolListener.start(p.respListen(), new RespAdapter(context), p.limits(), boss, loops, metrics,
                    listenerTls);
        }
    }

    /**
     * Moves the version clock past the newest version any node holds, so that a coordinator started
     * after writes through another coordinator or a node issues newer versions. Nodes that do not
     * answer within 2 s are left out (their replicas answer for their data).
     */
    private void seedClock() {
        List<String> answered = new ArrayList<>();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (NodeClient node : clients.view().all()) {
            calls.add(node.observe(c -> c.internal(Duration.ofSeconds(2)).nodeStatus(
                    NodeStatusRequest.getDefaultInstance())).thenAccept(status -> {
                        clock.observe(status.getMaxVersion());
                        synchronized (answered) {
                            answered.add(node.id());
                        }
                    }).exceptionally(failure -> null));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        LOG.info("version clock seeded past {} ({}), from {} of {} nodes", clock.last(),
                VersionCodec.instant(clock.last()), answered.size(), calls.size());
    }

    /** Hint sync and replay, and the background anti-entropy pass. */
    private void startReplication() {
        metrics.registerReplication(clients::view, hints::pendingBytes);
        HintReplayer replayer = new HintReplayer(hints, clients, new HintReplayer.Listener() {
            @Override
            public void replayed(String node, int records) {
                metrics.hintReplayed(node, records);
            }

            @Override
            public void discarded(String node, String reason) {
                metrics.hintDiscarded(node);
            }
        });
        timers.scheduleWithFixedDelay(hints::sync, HintStore.SYNC_MILLIS, HintStore.SYNC_MILLIS,
                TimeUnit.MILLISECONDS);
        long replayEvery = config.write().hintReplayInterval().toMillis();
        background.scheduleWithFixedDelay(replayer::replayAll, replayEvery, replayEvery, TimeUnit.MILLISECONDS);
        if (!config.repairInterval().isZero()) {
            AntiEntropy antiEntropy = new AntiEntropy(clients, config.repair(), config.maxBatchRows(), metrics);
            long every = config.repairInterval().toMillis();
            background.scheduleWithFixedDelay(antiEntropy::runPass, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private Server buildServer() {
        ConnectionLimit connectionLimit = new ConnectionLimit(config.protocols().limits().maxConnections(), metrics);
        // Direct by default, so a call reaches its method's executor without a worker in between.
        NettyServerBuilder b = NettyServerBuilder.forAddress(socket(config.grpcListen())).directExecutor()
                .callExecutor(GrpcVectorAdapter.calls(workers))
                .maxInboundMessageSize(config.maxMessageBytes())
                .maxConnectionIdle(idleOrForever(config.protocols().limits().idleTimeout()), TimeUnit.NANOSECONDS)
                .addTransportFilter(connectionLimit)
                .addService(ServerInterceptors.intercept(health.getHealthService(), new CallerInterceptor(security),
                        new RequestIdInterceptor()))
                .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(),
                        new CallerInterceptor(security), new RequestIdInterceptor()));
        if (tls != null) {
            b.sslContext(GrpcTls.server(tls, config.tls().clientAuth()));
        }
        // The in-flight budget is the core's, shared with every other protocol.
        for (BindableService service : List.of(new GrpcVectorAdapter(core),
                new GrpcCollectionAdapter(core))) {
            b.addService(MalformedRequests.wrap(service.bindService(), tracing.innermostFirst(
                    new DeadlineInterceptor(config.defaultDeadline(), timers), new CallerInterceptor(security),
                    new RateLimitInterceptor(rateLimits, metrics), connectionLimit, new RequestIdInterceptor(),
                    new CallMetricsInterceptor(metrics.service()))));
        }
        return b.build();
    }

    /** gRPC's idle limit: the listeners' idle timeout, 0 meaning never. */
    private static long idleOrForever(Duration idle) {
        return idle.isZero() ? Long.MAX_VALUE : idle.toNanos();
    }

    private static InetSocketAddress socket(HostAndPort a) {
        return new InetSocketAddress(a.host(), a.port());
    }

    /** The full name of every gRPC method this coordinator serves. */
    public List<String> grpcMethods() {
        return grpc.getServices().stream().flatMap(s -> s.getMethods().stream())
                .map(m -> m.getMethodDescriptor().getFullMethodName()).sorted().toList();
    }

    public InetSocketAddress grpcAddress() {
        return (InetSocketAddress) grpc.getListenSockets().getFirst();
    }

    /** The REST (and WebSocket) listener's address, or null when it is off. */
    public InetSocketAddress restAddress() {
        return rest == null ? null : rest.address();
    }

    /** The RESP listener's address, or null when it is off. */
    public InetSocketAddress respAddress() {
        return resp == null ? null : resp.address();
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    public NodeClients clients() {
        return clients;
    }

    /** The transport-free API every protocol adapter calls. */
    public CoordinatorCore core() {
        return core;
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
        long graceEnd = System.nanoTime() + grace.toNanos();
        if (rest != null) {
            rest.close();
        }
        // WebSocket streams finish the batches they received and close (1001) while the rest drains
        CompletableFuture<Void> streams = protocols == null ? CompletableFuture.completedFuture(null)
                : WebSocketStreams.announceShutdown(protocols);
        if (resp != null) {
            resp.close();
        }
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
        // WebSocket streams finish what they received; then the core refuses new work (REST and RESP
        // clients on open connections get UNAVAILABLE), and what it still runs may finish, all within
        // what is left of the grace period.
        drained &= awaitStreams(streams, graceEnd);
        core.beginShutdown();
        drained &= awaitCoreIdle(graceEnd);
        if (watcher != null) {
            watcher.close();
        }
        background.shutdownNow();
        core.close();
        hints.close();
        security.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        clients.close();
        if (tls != null) {
            tls.close();
        }
        alive = false;
        if (http != null) {
            http.close();
        }
        timers.shutdownNow();
        workers.shutdownNow();
        if (ownsTracing) {
            tracing.close();
        }
        LOG.info("coordinator {} stopped ({})", config.coordinatorId(),
                drained ? "every request finished" : "requests still running after the grace period were cancelled");
        return drained;
    }

    /** Until every WebSocket stream session has closed, or the deadline. */
    private static boolean awaitStreams(CompletableFuture<Void> streams, long deadlineNanos) {
        try {
            streams.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitCoreIdle(long deadlineNanos) {
        while (core.budget().inFlight() > 0) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        shutdown(config.shutdownGrace());
    }
}
