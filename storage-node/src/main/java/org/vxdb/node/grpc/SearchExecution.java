package org.vxdb.node.grpc;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.index.IndexArguments;
import org.vxdb.service.tracing.Tracing;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.SearchOutcome;
import org.vxdb.storage.shard.StoredVector;

/** One validated search over some shards of a collection, merged into a global top-k. */
final class SearchExecution {

    /** The merged result: hits nearest first, distinct plans, rows compared exactly, lowest measured recall. */
    record Result(List<SearchHit> hits, String plan, long rowsScanned, double recall) {
    }

    private SearchExecution() {
    }

    static float[] query(List<Float> values, Collection c) {
        return RequestChecks.query(values, c.config().dimension(), c.name());
    }

    static int k(int k) {
        RequestChecks.k(k);
        IndexArguments.checkK(k);
        return k;
    }

    static org.vxdb.index.SearchParams params(SearchParams p) {
        int nprobe = p.getNprobe();
        int ef = p.getEfSearch();
        if (nprobe < 0 || nprobe > org.vxdb.index.SearchParams.MAX_NPROBE) {
            throw new IllegalArgumentException("params.nprobe: " + Integer.toUnsignedString(nprobe)
                    + " is invalid: use 1-" + org.vxdb.index.SearchParams.MAX_NPROBE + " (0: the collection's default)");
        }
        if (ef < 0 || ef > org.vxdb.index.SearchParams.MAX_EF_SEARCH) {
            throw new IllegalArgumentException("params.ef_search: " + Integer.toUnsignedString(ef)
                    + " is invalid: use 1-" + org.vxdb.index.SearchParams.MAX_EF_SEARCH + " (0: the collection's default)");
        }
        return new org.vxdb.index.SearchParams(nprobe, ef);
    }

    /** The request's recall target, or the collection's when it names none. */
    static double recallTarget(SearchParams p, Collection c) {
        double target = RequestChecks.recallTarget(p.getRecallTarget(), "params.recall_target");
        return target > 0 ? target : c.config().recallTarget();
    }

    static Result run(Collection c, int[] shards, float[] query, int k, Filter filter, org.vxdb.index.SearchParams params,
                      double recallTarget, boolean includeVectors, boolean includeMetadata) {
        return run(c, shards, query, k, filter, params, recallTarget, includeVectors, includeMetadata,
                Tracing.off().tracer());
    }

    /**
     * With a span per shard searched, a child of the span current on this thread (the shards are
     * searched side by side on the engine's pool, so the parent is passed along explicitly).
     */
    static Result run(Collection c, int[] shards, float[] query, int k, Filter filter,
                      org.vxdb.index.SearchParams params, double recallTarget, boolean includeVectors,
                      boolean includeMetadata, Tracer tracer) {
        Context parent = Context.current();
        Collection.ShardSearchHook traced = (s, search) -> {
            Span span = tracer.spanBuilder("vxdb.shard.search").setParent(parent)
                    .setAttribute(Tracing.SHARD, (long) s).startSpan();
            try {
                SearchOutcome outcome = search.get();
                if (span.isRecording()) {
                    span.setAttribute(Tracing.PLAN, outcome.plan())
                            .setAttribute(Tracing.ROWS_SCANNED, outcome.rowsScanned())
                            .setAttribute(Tracing.HITS, (long) outcome.hits().size());
                }
                return outcome;
            } catch (RuntimeException e) {
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                span.end();
            }
        };
        Collection.ShardsOutcome outcome = c.search(shards, query, k, filter, params, recallTarget, traced);
        List<SearchHit> hits = new ArrayList<>(outcome.hits().size());
        for (Collection.ShardHit sh : outcome.hits()) {
            hits.add(toProto(c, sh, includeVectors, includeMetadata));
        }
        return new Result(hits, outcome.plan(), outcome.rowsScanned(), outcome.recall());
    }

    private static SearchHit toProto(Collection c, Collection.ShardHit sh, boolean includeVectors,
                                     boolean includeMetadata) {
        Hit h = sh.hit();
        SearchHit.Builder b = SearchHit.newBuilder().setId(h.id()).setDistance(h.distance()).setVersion(h.version());
        if (includeMetadata) {
            b.putAllMetadata(MetadataMapping.toProto(h.metadata()));
        }
        if (includeVectors) {
            // Deleted or replaced since the search ran: the hit keeps its distance but has no vector.
            Optional<StoredVector> v = c.shard(sh.shard()).get(h.id());
            if (v.isPresent() && v.get().version() == h.version()) {
                for (float x : v.get().vector()) {
                    b.addValues(x);
                }
            }
        }
        return b.build();
    }

    /** Every shard of {@code c}, or the listed ones (validated, duplicates removed). */
    static int[] shards(Collection c, List<Integer> listed) {
        if (listed.isEmpty()) {
            int[] all = new int[c.shardCount()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int i = 0; i < listed.size(); i++) {
            distinct.add(shard(c, listed.get(i), "shards[" + i + "]"));
        }
        return distinct.stream().mapToInt(Integer::intValue).toArray();
    }

    static int shard(Collection c, int shard, String at) {
        if (shard < 0 || shard >= c.shardCount()) {
            throw new IllegalArgumentException(at + ": shard " + Integer.toUnsignedString(shard)
                    + " does not exist; collection '" + c.name() + "' has " + c.shardCount() + " shards");
        }
        return shard;
    }
}
