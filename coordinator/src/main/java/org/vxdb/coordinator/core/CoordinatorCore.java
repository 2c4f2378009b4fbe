package org.vxdb.coordinator.core;

import io.grpc.Context;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.DeleteResponse;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.Consistency;
import org.vxdb.coordinator.hints.HintStore;
import org.vxdb.api.HybridLogicalClock;
import org.vxdb.coordinator.security.AuditTrail;
import org.vxdb.coordinator.security.Grants;
import org.vxdb.coordinator.security.Operation;
import org.vxdb.coordinator.security.Security;
import org.vxdb.coordinator.search.ScatterGather;
import org.vxdb.coordinator.write.Replicator;
import org.vxdb.service.tracing.Tracing;

/**
 * The coordinator's one API, free of any transport: every protocol adapter (gRPC, REST, WebSocket,
 * RESP) decodes its request into these calls and encodes what they complete with. Validation,
 * routing, replication, failover, the in-flight budget and deadlines all live here and below, once.
 *
 * <p>Every call takes a {@link CallContext} (caller, request id, deadline) and returns a future that
 * completes with the result or fails with a {@link VxdbException} whose code and message the adapter
 * passes on unchanged. A call refused by the in-flight budget fails at once with RESOURCE_EXHAUSTED;
 * one whose deadline passes fails with DEADLINE_EXCEEDED (a write may still take effect then).
 */
public final class CoordinatorCore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorCore.class);
    private static final String MDC_REQUEST_ID = "request_id";

    private final CollectionOperations collections;
    private final VectorOperations vectors;
    private final InFlightBudget budget;
    private final ExecutorService executor;
    private final int maxBatchRows;
    private final Duration defaultDeadline;
    private final CoordinatorMetrics metrics;
    private final Security security;
    private final ClusterInspection inspection;
    private final LiveStats live;
    private final Tracer tracer;
    /** Ends the node calls of a call whose deadline passed (one thread, only timers). */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vxdb-core-deadlines");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean shuttingDown;

    /**
     * @param running requests executing at once (each holds a thread while it waits on nodes)
     * @param queued  requests admitted beyond those, waiting for a thread
     */
    public CoordinatorCore(NodeClients clients, HybridLogicalClock clock, CoordinatorMetrics metrics,
                           Consistency consistency, int maxBatchRows, Duration defaultDeadline, int running,
                           int queued, Security security, String coordinatorId, HintStore hints) {
        this(clients, clock, metrics, consistency, maxBatchRows, defaultDeadline, running, queued, security,
                coordinatorId, hints, Tracing.off().tracer());
    }

    /** @param tracer records a root span per search, with a child per node call ({@link ScatterGather}) */
    public CoordinatorCore(NodeClients clients, HybridLogicalClock clock, CoordinatorMetrics metrics,
                           Consistency consistency, int maxBatchRows, Duration defaultDeadline, int running,
                           int queued, Security security, String coordinatorId, HintStore hints, Tracer tracer) {
        Objects.requireNonNull(clients, "clients");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.metrics = metrics;
        this.security = Objects.requireNonNull(security, "security");
        CollectionCatalog catalog = new CollectionCatalog(clients);
        this.collections = new CollectionOperations(clients, catalog);
        this.vectors = new VectorOperations(clients, catalog, new Replicator(clients, metrics, hints, clock),
                new ScatterGather(clients, metrics, tracer), clock, metrics, consistency, maxBatchRows);
        this.budget = new InFlightBudget(running, queued);
        this.inspection = new ClusterInspection(clients, catalog, coordinatorId);
        this.live = new LiveStats(budget::inFlight, true);
        this.maxBatchRows = maxBatchRows;
        this.defaultDeadline = defaultDeadline;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(running, r -> {
            Thread t = new Thread(r, "vxdb-core-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------------------------------
    // Collections

    public CompletableFuture<CollectionInfo> createCollection(CallContext ctx, CollectionSpec spec) {
        return run(ctx, Operation.CREATE_COLLECTION, collectionOf(spec), g -> collections.create(spec), NO_ROWS);
    }

    public CompletableFuture<CollectionInfo> describeCollection(CallContext ctx, String name) {
        return run(ctx, Operation.DESCRIBE_COLLECTION, collectionOf(name), g -> collections.describe(name), NO_ROWS);
    }

    /** Every collection the caller's grant covers, by name, with its stats. */
    public CompletableFuture<List<CollectionInfo>> listCollections(CallContext ctx) {
        return run(ctx, Operation.LIST_COLLECTIONS, null,
                g -> collections.list().stream().filter(c -> g.covers(c.getSpec().getName())).toList(), List::size);
    }

    /** Declares a metadata index on every node's shards of the collection; built there in the background. */
    public CompletableFuture<CollectionInfo> addMetadataIndex(CallContext ctx, AddMetadataIndexRequest request) {
        return run(ctx, Operation.ADD_METADATA_INDEX, collectionOf(request.getCollection()),
                g -> collections.addMetadataIndex(request), NO_ROWS);
    }

    public CompletableFuture<Void> dropCollection(CallContext ctx, String name) {
        return run(ctx, Operation.DROP_COLLECTION, collectionOf(name), g -> {
            collections.drop(name);
            return null;
        }, NO_ROWS);
    }

    // ------------------------------------------------------------------------------------------
    // Vectors

    /** Create-only: ALREADY_EXISTS naming the ids when one is live. */
    public CompletableFuture<WriteResponse> insert(CallContext ctx, WriteRequest request) {
        return run(ctx, Operation.INSERT, collectionOf(request), g -> vectors.write(ctx, request, true),
                WriteResponse::getWritten);
    }

    /** Creates or replaces. */
    public CompletableFuture<WriteResponse> upsert(CallContext ctx, WriteRequest request) {
        return run(ctx, Operation.UPSERT, collectionOf(request), g -> vectors.write(ctx, request, false),
                WriteResponse::getWritten);
    }

    public CompletableFuture<GetResponse> get(CallContext ctx, GetRequest request) {
        return run(ctx, Operation.GET, collectionOf(request), g -> vectors.get(request),
                GetResponse::getVectorsCount);
    }

    public CompletableFuture<DeleteResponse> delete(CallContext ctx, DeleteRequest request) {
        return run(ctx, Operation.DELETE, collectionOf(request), g -> vectors.delete(ctx, request),
                DeleteResponse::getDeleted);
    }

    public CompletableFuture<SearchResponse> search(CallContext ctx, SearchRequest request) {
        // The adapter's thread: a gRPC caller's trace context, if it sent one, is current here.
        io.opentelemetry.context.Context caller = io.opentelemetry.context.Context.current();
        // With the collection's spec cached, nothing before the fan-out blocks (validation, admission,
        // starting the node calls), so the search starts on the caller's thread even when that is a
        // transport thread that must not block: no handoff to a core thread. Otherwise the spec costs
        // a node call, which only a thread that may block waits for.
        CollectionSpec known = vectors.cachedSpec(request.getCollection());
        return runAsync(ctx, Operation.SEARCH, collectionOf(request), g -> tracedSearch(caller, ctx, request, known),
                SearchResponse::getHitsCount, known != null || ctx.callerMayBlock());
    }

    /** The search as one trace: this root span, a child per node call, the node's spans inside those. */
    private CompletableFuture<SearchResponse> tracedSearch(io.opentelemetry.context.Context caller, CallContext ctx,
                                                           SearchRequest request, CollectionSpec known) {
        Span span = tracer.spanBuilder("vxdb.search").setParent(caller).setSpanKind(SpanKind.SERVER).startSpan();
        if (span.isRecording()) {
            span.setAttribute(Tracing.COLLECTION, request.getCollection())
                    .setAttribute(Tracing.K, (long) request.getK())
                    .setAttribute(Tracing.REQUEST_ID, String.valueOf(ctx.requestId()));
        }
        CompletableFuture<SearchResponse> running;
        try (Scope ignored = Tracing.scope(span)) {
            running = vectors.searchAsync(ctx, request, known);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            span.end();
            throw e;
        }
        return running.whenComplete((response, failure) -> {
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            } else if (span.isRecording()) {
                span.setAttribute(Tracing.HITS, (long) response.getHitsCount())
                        .setAttribute(Tracing.PARTIAL, response.getPartial());
            }
            span.end();
        });
    }

    // ------------------------------------------------------------------------------------------
    // The cluster as an operator sees it

    /** Every node's state, breaker and resources, and where each cluster range lives. */
    public CompletableFuture<ClusterReport.Cluster> clusterStatus(CallContext ctx) {
        return run(ctx, Operation.CLUSTER_STATUS, null, g -> inspection.cluster(), NO_ROWS);
    }

    /** Each shard of a collection on each of its replicas, with their digests compared. */
    public CompletableFuture<ClusterReport.CollectionShards> describeShards(CallContext ctx, String name) {
        return run(ctx, Operation.DESCRIBE_SHARDS, collectionOf(name), g -> inspection.shards(name), NO_ROWS);
    }

    /**
     * Subscribes to the live traffic figures, one {@link LiveStats.Sample} per second. The caller's
     * credential is checked now and again before every sample: a revoked key or an expired token
     * ends the subscription through {@code ended}, once.
     *
     * @throws VxdbException UNAUTHENTICATED or PERMISSION_DENIED when the caller may not watch
     */
    public LiveStats.Subscription watchMetrics(CallContext ctx, Consumer<LiveStats.Sample> each,
                                               Consumer<VxdbException> ended) {
        security.authorize(ctx.caller(), ctx.requestId(), Operation.WATCH_METRICS, null);
        security.audit().record(ctx.caller(), ctx.requestId(), Operation.WATCH_METRICS.text(),
                Operation.WATCH_METRICS.category(), null, -1, AuditTrail.OK);
        LiveStats.Subscription[] self = new LiveStats.Subscription[1];
        AtomicBoolean over = new AtomicBoolean();
        self[0] = live.subscribe(sample -> {
            if (over.get()) {
                return;
            }
            try {
                security.authorize(ctx.caller(), ctx.requestId(), Operation.WATCH_METRICS, null);
            } catch (VxdbException refused) {
                if (over.compareAndSet(false, true)) {
                    self[0].close();
                    ended.accept(refused);
                }
                return;
            }
            each.accept(sample);
        });
        return self[0];
    }

    /** The live figures (for tests and the sampler's owner). */
    LiveStats live() {
        return live;
    }

    // ------------------------------------------------------------------------------------------
    // What adapters need to know

    /** The most rows one write, get or delete may carry. */
    public int maxBatchRows() {
        return maxBatchRows;
    }

    /** The deadline of a request that names none. */
    public Duration defaultDeadline() {
        return defaultDeadline;
    }

    /** Authentication, authorization and the audit trail, shared with the adapters. */
    public Security security() {
        return security;
    }

    /** The shared in-flight budget: adapters stop reading their sockets while it is saturated. */
    public InFlightBudget budget() {
        return budget;
    }

    private static final ToLongFunction<Object> NO_ROWS = r -> -1;

    /** The collection a request names, or null when it names none (its validation then says so). */
    private static String collectionOf(Object request) {
        String name = switch (request) {
            case String s -> s;
            case CollectionSpec s -> s.getName();
            case WriteRequest r -> r.getCollection();
            case GetRequest r -> r.getCollection();
            case DeleteRequest r -> r.getCollection();
            case SearchRequest r -> r.getCollection();
            case null, default -> null;
        };
        return name == null || name.isEmpty() ? null : name;
    }

    /**
     * Checks the caller may run {@code op} on {@code collection}, then runs {@code body} (given the
     * caller's grants) on the core's threads within the budget and the deadline, and writes one audit
     * entry with the outcome. Whatever it throws becomes a {@link VxdbException}; nothing else ever
     * leaves the core.
     */
    private <T> CompletableFuture<T> run(CallContext ctx, Operation op, String collection, Function<Grants, T> body,
                                         ToLongFunction<? super T> rows) {
        Grants grants;
        try {
            grants = security.authorize(ctx.caller(), ctx.requestId(), op, collection);
        } catch (VxdbException e) {
            return CompletableFuture.failedFuture(e); // audited where it was refused
        }
        return audited(ctx, op, collection, execute(ctx, op.text(), op.mutates(),
                () -> CompletableFuture.completedFuture(body.apply(grants)), false), rows);
    }

    /**
     * {@link #run} for a body that answers with a future and does not block once it has started its
     * calls (a search: validation, then the fan-out). With {@code inline} the caller's thread starts
     * it (a thread that may block, or a body that will not); the answer then completes on the thread
     * that receives the last node answer, with no core thread in between.
     */
    private <T> CompletableFuture<T> runAsync(CallContext ctx, Operation op, String collection,
                                              Function<Grants, CompletableFuture<T>> body,
                                              ToLongFunction<? super T> rows, boolean inline) {
        Grants grants;
        try {
            grants = security.authorize(ctx.caller(), ctx.requestId(), op, collection);
        } catch (VxdbException e) {
            return CompletableFuture.failedFuture(e); // audited where it was refused
        }
        return audited(ctx, op, collection, execute(ctx, op.text(), op.mutates(), () -> body.apply(grants),
                inline), rows);
    }

    /** Records the outcome in the live statistics and the audit trail. */
    private <T> CompletableFuture<T> audited(CallContext ctx, Operation op, String collection,
                                             CompletableFuture<T> call, ToLongFunction<? super T> rows) {
        long started = System.nanoTime();
        return call.whenComplete((value, failure) -> {
            long count = failure == null ? rows.applyAsLong(value) : -1;
            live.record(op, System.nanoTime() - started, failure != null, count,
                    value instanceof SearchResponse r && r.getPartial());
            security.audit().record(ctx.caller(), ctx.requestId(), op.text(), op.category(), collection, count,
                    failure == null ? AuditTrail.OK : VxdbException.from(failure).code().name());
        });
    }

    /**
     * Admits the call (deadline, shutdown, budget), then starts {@code body} within the deadline:
     * on this thread when {@code inline}, else on a core thread. The budget slot is held until the
     * body's future completes.
     */
    private <T> CompletableFuture<T> execute(CallContext ctx, String operation, boolean mutates,
                                             Supplier<CompletableFuture<T>> body, boolean inline) {
        if (ctx.expired()) {
            return CompletableFuture.failedFuture(new VxdbException(VxdbException.Code.DEADLINE_EXCEEDED,
                    "the deadline passed before " + operation + " started; nothing was done"));
        }
        if (shuttingDown) {
            return CompletableFuture.failedFuture(VxdbException.unavailable(
                    "the coordinator is shutting down; send the request to another coordinator or again later"));
        }
        try {
            budget.acquire();
        } catch (VxdbException e) {
            if (metrics != null) {
                metrics.service().requestRejected();
            }
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            MDC.put(MDC_REQUEST_ID, ctx.requestId());
            CompletableFuture<T> running;
            try {
                if (ctx.expired()) {
                    throw new VxdbException(VxdbException.Code.DEADLINE_EXCEEDED,
                            "the deadline passed while " + operation + " waited for a thread; nothing was done");
                }
                running = withinDeadline(ctx, body, result);
            } catch (RuntimeException | Error e) {
                running = CompletableFuture.failedFuture(e);
            } finally {
                MDC.remove(MDC_REQUEST_ID);
            }
            running.whenComplete((value, t) -> {
                VxdbException failure = null;
                if (t != null) {
                    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                            ? t.getCause() : t;
                    failure = VxdbException.from(cause);
                    if (failure.code() == VxdbException.Code.INTERNAL) {
                        LOG.error("{} failed", operation, cause);
                    }
                }
                // Released before the caller hears the answer: a caller that answers and then sends
                // its next request must find the slot of the one before free.
                budget.release();
                if (failure == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(failure);
                }
            });
        };
        if (inline) {
            start.run();
        } else {
            try {
                executor.execute(start);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                budget.release();
                return CompletableFuture.failedFuture(VxdbException.unavailable("the coordinator is shutting down"));
            }
        }
        // Started here, the call's context ends `result` at the deadline (withinDeadline), with the timer
        // the transport or the deadline interceptor already keeps; queued for a core thread, it may not
        // start before the deadline, so a timer of its own bounds it.
        long left = ctx.deadlineNanos() - System.nanoTime();
        CompletableFuture<T> bounded = inline ? result : result.orTimeout(Math.max(1, left), TimeUnit.NANOSECONDS);
        return bounded.exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof java.util.concurrent.TimeoutException) {
                return CompletableFuture.failedFuture(new VxdbException(VxdbException.Code.DEADLINE_EXCEEDED,
                        "the deadline passed before " + operation + " finished"
                                + (mutates ? "; it may still take effect" : "")));
            }
            return CompletableFuture.failedFuture(VxdbException.from(cause));
        });
    }

    /**
     * Runs {@code body} in a gRPC context carrying the call's deadline, so the calls it makes to
     * storage nodes end when the caller stops waiting (instead of each waiting out
     * {@code nodes.call_timeout}), and are cancelled once it returns. Replica writes run in a forked
     * context of their own and outlive it on purpose (a write answered at QUORUM still reaches the
     * other replicas).
     */
    private <T> CompletableFuture<T> withinDeadline(CallContext ctx, Supplier<CompletableFuture<T>> body,
                                                    CompletableFuture<?> answer) {
        long left = Math.max(1, ctx.deadlineNanos() - System.nanoTime());
        Context.CancellableContext scope = Context.current().withDeadlineAfter(left, TimeUnit.NANOSECONDS, deadlines);
        // At the deadline the answer fails with a timeout, whatever the body still waits for. (A cancel
        // without a cause is ours, once the body is done; the caller's own cancellation reaches the body
        // through its node calls.)
        scope.addListener(c -> {
            if (c.cancellationCause() instanceof java.util.concurrent.TimeoutException timeout) {
                answer.completeExceptionally(timeout);
            }
        }, Runnable::run);
        Context previous = scope.attach();
        CompletableFuture<T> running;
        try {
            running = body.get();
        } catch (RuntimeException | Error e) {
            scope.cancel(null);
            throw e;
        } finally {
            scope.detach(previous);
        }
        if (running.isDone()) {
            scope.cancel(null);
            return running;
        }
        return running.whenComplete((value, failure) -> scope.cancel(null));
    }

    /** Refuses every new call with UNAVAILABLE from now on; calls already admitted run to their end. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /** Stops taking calls; calls running finish on their own (the caller drains them first). */
    @Override
    public void close() {
        shuttingDown = true;
        live.close();
        deadlines.shutdownNow();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
