package org.vxdb.node.grpc;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.Comparator;
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

    /** A search result with the shard it came from, so its vector can be fetched from there. */
    private record ShardHit(int shard, Hit hit) {
    }

    private static final Comparator<ShardHit> NEAREST_FIRST = Comparator
            .comparingDouble((ShardHit h) -> h.hit().distance())
            .thenComparingLong(h -> h.hit().id());

    /** The merged result: hits nearest first, distinct plans, rows compared exactly. */
    record Result(List<SearchHit> hits, String plan, long rowsScanned) {
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

    static Result run(Collection c, int[] shards, float[] query, int k, Filter filter, org.vxdb.index.SearchParams params,
                      boolean includeVectors, boolean includeMetadata) {
        return run(c, shards, query, k, filter, params, includeVectors, includeMetadata, Tracing.off().tracer());
    }

    /** With a span per shard searched, a child of the span current on this thread. */
    static Result run(Collection c, int[] shards, float[] query, int k, Filter filter,
                      org.vxdb.index.SearchParams params, boolean includeVectors, boolean includeMetadata,
                      Tracer tracer) {
        List<ShardHit> all = new ArrayList<>();
        TreeSet<String> plans = new TreeSet<>();
        long scanned = 0;
        for (int s : shards) {
            Span span = tracer.spanBuilder("vxdb.shard.search").setAttribute(Tracing.SHARD, (long) s).startSpan();
            SearchOutcome outcome;
            try {
                outcome = c.shard(s).search(query, k, filter, params);
                span.setAttribute(Tracing.PLAN, outcome.plan())
                        .setAttribute(Tracing.ROWS_SCANNED, outcome.rowsScanned())
                        .setAttribute(Tracing.HITS, (long) outcome.hits().size());
            } catch (RuntimeException e) {
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                span.end();
            }
            for (Hit h : outcome.hits()) {
                all.add(new ShardHit(s, h));
            }
            plans.add(outcome.plan());
            scanned += outcome.rowsScanned();
        }
        all.sort(NEAREST_FIRST);
        List<SearchHit> hits = new ArrayList<>(Math.min(k, all.size()));
        for (ShardHit sh : all.subList(0, Math.min(k, all.size()))) {
            hits.add(toProto(c, sh, includeVectors, includeMetadata));
        }
        return new Result(hits, String.join(",", plans), scanned);
    }

    private static SearchHit toProto(Collection c, ShardHit sh, boolean includeVectors, boolean includeMetadata) {
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
