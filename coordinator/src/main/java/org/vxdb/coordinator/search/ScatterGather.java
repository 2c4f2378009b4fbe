package org.vxdb.coordinator.search;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.DoubleValue;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.vxdb.api.internal.v1.ShardSearchRequest;
import org.vxdb.api.internal.v1.ShardSearchResponse;
import org.vxdb.api.v1.NodeSearch;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.routing.TopKMerger;
import org.vxdb.coordinator.topology.ClusterRange;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.service.tracing.Tracing;

/**
 * A search over the whole cluster: every cluster range is asked of one replica (primary first,
 * skipping nodes whose breaker is open), ranges that landed on the same node share one call, a
 * failed or timed-out node's ranges move to their next replica, and the answers are merged into
 * one top-k without duplicate ids. A range that no replica could answer is named in the response,
 * which is then marked partial: never silently incomplete.
 */
public final class ScatterGather {

    private static final AttributeKey<List<String>> RANGES = AttributeKey.stringArrayKey("vxdb.ranges");

    private final NodeClients clients;
    private final CoordinatorMetrics metrics;
    private final Tracer tracer;

    public ScatterGather(NodeClients clients, CoordinatorMetrics metrics) {
        this(clients, metrics, Tracing.off().tracer());
    }

    /** @param tracer records a span per node call, a child of the span current when {@link #search} runs */
    public ScatterGather(NodeClients clients, CoordinatorMetrics metrics, Tracer tracer) {
        this.clients = clients;
        this.metrics = metrics;
        this.tracer = tracer;
    }

    /** What one round of calls brought back. */
    private record Answer(NodeClient node, List<ClusterRange> ranges, ShardSearchResponse response, Throwable failure,
                          long roundTripMicros) {

        /** What this call did, for a response that explains itself. */
        NodeSearch explain() {
            NodeSearch.Builder b = NodeSearch.newBuilder().setNode(node.id()).setRoundTripMicros(roundTripMicros);
            for (ClusterRange r : ranges) {
                b.addRanges(r.span());
            }
            if (failure == null) {
                b.setPlan(response.getPlan()).setRowsScanned(response.getRowsScanned())
                        .setHits(response.getHitsCount()).setNodeMicros(response.getTookMicros());
            } else {
                b.setError(CallFailures.describe(failure));
            }
            return b.build();
        }
    }

    /** Runs the search and waits for it; {@code budget} bounds the whole fan-out, failovers included. */
    public SearchResponse search(SearchRequest request, Duration budget) {
        try {
            return searchAsync(request, budget).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Starts the search without waiting for it. Each round's answers are handled on the thread that
     * receives the last of them (a transport thread), which starts the next round if some ranges
     * failed over, or merges the top-k. The gRPC context current here (the caller's deadline and
     * cancellation) and the trace context are carried into every round.
     */
    public CompletableFuture<SearchResponse> searchAsync(SearchRequest request, Duration budget) {
        Gather g = new Gather(request, System.nanoTime() + budget.toNanos(), clients.view(),
                io.grpc.Context.current(), io.opentelemetry.context.Context.current());
        return g.round(new ArrayList<>(g.view.topology().ranges())).thenApply(v -> g.response());
    }

    /** The state of one search across its rounds; touched by one thread at a time (round after round). */
    private final class Gather {
        private final SearchRequest request;
        private final long deadline;
        private final NodeClients.View view;
        private final io.grpc.Context grpcContext;
        private final io.opentelemetry.context.Context traceContext;
        private final Map<ClusterRange, Set<String>> tried = new LinkedHashMap<>();
        private final Map<ClusterRange, List<String>> why = new LinkedHashMap<>();
        private final List<List<SearchHit>> hits = new ArrayList<>();
        private final TreeSet<String> plans = new TreeSet<>();
        private final List<String> unavailable = new ArrayList<>();
        private final List<NodeSearch> explained = new ArrayList<>();
        private long scanned;
        private double recall = Double.NaN;

        Gather(SearchRequest request, long deadline, NodeClients.View view, io.grpc.Context grpcContext,
               io.opentelemetry.context.Context traceContext) {
            this.request = request;
            this.deadline = deadline;
            this.view = view;
            this.grpcContext = grpcContext;
            this.traceContext = traceContext;
            for (ClusterRange r : view.topology().ranges()) {
                tried.put(r, new HashSet<>());
                why.put(r, new ArrayList<>());
            }
        }

        /** Asks for {@code pending}, then for what failed over, until every range answered or ran out of replicas. */
        CompletableFuture<Void> round(List<ClusterRange> pending) {
            if (pending.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Map<NodeClient, List<ClusterRange>> assignment = assign(view, pending, tried, why, unavailable);
            List<CompletableFuture<Answer>> calls = new ArrayList<>();
            io.grpc.Context previous = grpcContext.attach();
            try {
                for (Map.Entry<NodeClient, List<ClusterRange>> e : assignment.entrySet()) {
                    calls.add(ask(request, e.getKey(), e.getValue(), deadline, traceContext));
                }
            } finally {
                grpcContext.detach(previous);
            }
            return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                List<ClusterRange> next = new ArrayList<>();
                for (CompletableFuture<Answer> call : calls) {
                    take(call.join(), next);
                }
                return round(next);
            });
        }

        private void take(Answer a, List<ClusterRange> next) {
            if (request.getExplain()) {
                explained.add(a.explain());
            }
            if (a.failure() == null) {
                hits.add(a.response().getHitsList());
                plans.add(a.node().id() + ":" + a.response().getPlan());
                scanned += a.response().getRowsScanned();
                if (a.response().hasRecall()) {
                    double r = a.response().getRecall().getValue();
                    recall = Double.isNaN(recall) ? r : Math.min(recall, r);
                }
                return;
            }
            if (!CallFailures.isNodeTrouble(a.failure())) {
                // A verdict on the request (e.g. a bad filter): every replica would say the same.
                throw CallFailures.status(a.failure()).asRuntimeException();
            }
            for (ClusterRange r : a.ranges()) {
                tried.get(r).add(a.node().id());
                why.get(r).add(a.node().id() + " " + CallFailures.describe(a.failure()));
                next.add(r);
            }
        }

        SearchResponse response() {
            if (!unavailable.isEmpty()) {
                metrics.partialSearch();
            }
            SearchResponse.Builder response = SearchResponse.newBuilder()
                    .addAllHits(TopKMerger.merge(hits, request.getK())).setPlan(String.join(",", plans))
                    .setRowsScanned(scanned).setPartial(!unavailable.isEmpty()).addAllUnavailableRanges(unavailable)
                    .addAllNodes(explained);
            if (!Double.isNaN(recall)) {
                response.setRecall(DoubleValue.of(recall));
            }
            return response.build();
        }
    }

    /** Each pending range to its first replica not yet tried whose breaker is closed. */
    private static Map<NodeClient, List<ClusterRange>> assign(NodeClients.View view, List<ClusterRange> pending,
                                                              Map<ClusterRange, Set<String>> tried,
                                                              Map<ClusterRange, List<String>> why,
                                                              List<String> unavailable) {
        Map<NodeClient, List<ClusterRange>> byNode = new LinkedHashMap<>();
        for (ClusterRange r : pending) {
            NodeClient chosen = null;
            for (NodeInfo replica : r.replicas()) {
                NodeClient c = view.client(replica);
                if (tried.get(r).contains(replica.id())) {
                    continue;
                }
                if (!c.isAvailable()) {
                    tried.get(r).add(replica.id());
                    why.get(r).add(replica.id() + " circuit breaker open");
                    continue;
                }
                chosen = c;
                break;
            }
            if (chosen == null) {
                unavailable.add(r.label() + ": " + String.join("; ", why.get(r)));
            } else {
                byNode.computeIfAbsent(chosen, n -> new ArrayList<>()).add(r);
            }
        }
        return byNode;
    }

    /** One node call of a round; the future always completes normally, with the answer or its failure. */
    private CompletableFuture<Answer> ask(SearchRequest request, NodeClient node, List<ClusterRange> ranges,
                                          long deadline, io.opentelemetry.context.Context traceContext) {
        ShardSearchRequest call = shardRequest(request, ranges);
        Duration timeout = remaining(deadline, node.callTimeout());
        long start = System.nanoTime();
        Span span = tracer.spanBuilder("vxdb.search.node_call").setParent(traceContext).setSpanKind(SpanKind.CLIENT)
                .startSpan();
        if (span.isRecording()) {
            span.setAttribute(Tracing.NODE_ID, node.id())
                    .setAttribute(Tracing.SHARD_COUNT, (long) call.getShardsCount())
                    .setAttribute(RANGES, ranges.stream().map(ClusterRange::span).toList());
        }
        CompletableFuture<ShardSearchResponse> sent;
        // Current while the call starts, so that its traceparent header names this span. The answer is
        // handled on the transport thread that read it (recording the time, merging when it is the last)
        // instead of being handed to the channel's executor first: one thread handoff less.
        try (Scope ignored = Tracing.scope(span)) {
            sent = node.call(c -> c.internal(timeout).withExecutor(MoreExecutors.directExecutor())
                    .searchShards(call));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((response, t) -> {
            long nanos = System.nanoTime() - start;
            Throwable failure = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            metrics.nodeCall(node.id(), "SearchShards", failure, nanos);
            if (failure != null && span.isRecording()) {
                span.setStatus(StatusCode.ERROR, CallFailures.describe(failure));
            }
            span.end();
            return new Answer(node, ranges, failure == null ? response : null, failure, nanos / 1000);
        });
    }

    private static Duration remaining(long deadline, Duration cap) {
        long left = Math.max(1, deadline - System.nanoTime());
        return Duration.ofNanos(Math.min(left, cap.toNanos()));
    }

    private static ShardSearchRequest shardRequest(SearchRequest r, List<ClusterRange> ranges) {
        ShardSearchRequest.Builder b = ShardSearchRequest.newBuilder().setCollection(r.getCollection())
                .addAllQuery(r.getQueryList()).setK(r.getK()).setParams(r.getParams())
                .setIncludeVectors(r.getIncludeVectors()).setIncludeMetadata(r.getIncludeMetadata());
        if (r.hasFilter()) {
            b.setFilter(r.getFilter());
        }
        for (ClusterRange range : ranges) {
            for (int c = range.first(); c <= range.last(); c++) {
                b.addShards(c);
            }
        }
        return b.build();
    }
}
