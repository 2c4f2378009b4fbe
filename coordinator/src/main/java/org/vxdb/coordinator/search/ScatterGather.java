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

    /** Runs the search; {@code budget} bounds the whole fan-out, failovers included. */
    public SearchResponse search(SearchRequest request, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        NodeClients.View view = clients.view();
        Map<ClusterRange, Set<String>> tried = new LinkedHashMap<>();
        Map<ClusterRange, List<String>> why = new LinkedHashMap<>();
        for (ClusterRange r : view.topology().ranges()) {
            tried.put(r, new HashSet<>());
            why.put(r, new ArrayList<>());
        }
        List<ClusterRange> pending = new ArrayList<>(view.topology().ranges());
        List<List<SearchHit>> hits = new ArrayList<>();
        TreeSet<String> plans = new TreeSet<>();
        long scanned = 0;
        double recall = Double.NaN;
        List<String> unavailable = new ArrayList<>();
        List<NodeSearch> explained = new ArrayList<>();
        while (!pending.isEmpty()) {
            Map<NodeClient, List<ClusterRange>> assignment = assign(view, pending, tried, why, unavailable);
            pending = new ArrayList<>();
            for (Answer a : ask(request, assignment, deadline)) {
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
                    continue;
                }
                if (!CallFailures.isNodeTrouble(a.failure())) {
                    // A verdict on the request (e.g. a bad filter): every replica would say the same.
                    throw CallFailures.status(a.failure()).asRuntimeException();
                }
                for (ClusterRange r : a.ranges()) {
                    tried.get(r).add(a.node().id());
                    why.get(r).add(a.node().id() + " " + CallFailures.describe(a.failure()));
                    pending.add(r);
                }
            }
        }
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

    private List<Answer> ask(SearchRequest request, Map<NodeClient, List<ClusterRange>> assignment, long deadline) {
        Map<NodeClient, CompletableFuture<ShardSearchResponse>> calls = new LinkedHashMap<>();
        Map<NodeClient, long[]> took = new LinkedHashMap<>();
        for (Map.Entry<NodeClient, List<ClusterRange>> e : assignment.entrySet()) {
            NodeClient node = e.getKey();
            ShardSearchRequest call = shardRequest(request, e.getValue());
            Duration timeout = remaining(deadline, node.callTimeout());
            long start = System.nanoTime();
            long[] nanos = new long[1];
            took.put(node, nanos);
            Span span = tracer.spanBuilder("vxdb.search.node_call").setSpanKind(SpanKind.CLIENT).startSpan();
            if (span.isRecording()) {
                span.setAttribute(Tracing.NODE_ID, node.id())
                        .setAttribute(Tracing.SHARD_COUNT, (long) call.getShardsCount())
                        .setAttribute(RANGES, e.getValue().stream().map(ClusterRange::span).toList());
            }
            CompletableFuture<ShardSearchResponse> sent;
            // Current while the call starts, so that its traceparent header names this span. The answer is
            // handled on the transport thread that read it (recording the time, completing the future this
            // thread joins) instead of being handed to the channel's executor first: one thread handoff less.
            try (Scope ignored = Tracing.scope(span)) {
                sent = node.call(c -> c.internal(timeout).withExecutor(MoreExecutors.directExecutor())
                        .searchShards(call));
            }
            calls.put(node, sent.whenComplete((r, t) -> {
                nanos[0] = System.nanoTime() - start;
                metrics.nodeCall(node.id(), "SearchShards", t, nanos[0]);
                if (t != null && span.isRecording()) {
                    span.setStatus(StatusCode.ERROR, CallFailures.describe(t));
                }
                span.end();
            }));
        }
        List<Answer> answers = new ArrayList<>();
        for (Map.Entry<NodeClient, CompletableFuture<ShardSearchResponse>> e : calls.entrySet()) {
            NodeClient node = e.getKey();
            ShardSearchResponse response = null;
            Throwable failure = null;
            try {
                response = e.getValue().join();
            } catch (RuntimeException f) {
                failure = f;
            }
            // join() saw the whenComplete stage finish, so its write of the time is visible here.
            answers.add(new Answer(node, assignment.get(node), response, failure, took.get(node)[0] / 1000));
        }
        return answers;
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
