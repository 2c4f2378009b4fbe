package org.vxdb.storage.shard;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;
import org.vxdb.index.IndexType;
import org.vxdb.index.SearchParams;
import org.vxdb.index.linear.TopK;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.observe.StorageListener;

/**
 * A shard's filtered searches over one {@link ShardView}: the filter's matches from the metadata
 * indexes, a plan ({@link FilterPlanner}: the matches scanned exactly, the index with the matches
 * as allowed ids, or the index's nearest rows post-filtered), how far to widen the index's setting
 * ({@link FilterCalibrator}, from sampled filtered searches checked against the exact filtered
 * answer on the calibration thread). The scans and index calls are {@link ShardSearcher}'s.
 */
final class FilteredSearch {

    private final ShardSearcher searcher;
    private final ShardConfig config;
    private final StorageListener listener;
    private final ShardViews views;
    private final RecallCalibrator calibration;
    private final long rowBytes;
    private final FilterCalibrator filterCalibration = new FilterCalibrator();
    /** Whether broad IVF filters may try the post-filter plan (tests turn it off to compare). */
    private volatile boolean postFilter = true;

    FilteredSearch(ShardSearcher searcher, ShardConfig config, StorageListener listener, ShardViews views,
                   RecallCalibrator calibration) {
        this.searcher = searcher;
        this.config = config;
        this.listener = listener;
        this.views = views;
        this.calibration = calibration;
        this.rowBytes = (long) config.dimension() * Float.BYTES;
    }

    /** Queues a calibration sample of a filtered search that ran with {@code tuning}, unless one is running. */
    void sample(ShardIndex idx, float[] q, int k, Filter filter, FilterTuning tuning) {
        if (!filterCalibration.shouldSample()) {
            return;
        }
        RecallCalibrator.submit(() -> {
            long started = System.nanoTime();
            try {
                calibrate(idx, q, k, filter, tuning);
            } finally {
                filterCalibration.sampled(idx, tuning.key(), System.nanoTime() - started);
            }
        });
    }

    ShardSearcher.Searched search(ShardView v, float[] q, int k, Filter filter, SearchParams params, double recallTarget, TopK top) {
        List<ShardView.Part> parts = v.parts();
        ShardIndex idx = v.index;
        long covered = v.covered();
        long totalRows = 0;
        for (ShardView.Part p : parts) {
            totalRows += p.rows();
        }
        // Estimates count dead rows too; scale them by the share of rows that are live.
        double liveShare = totalRows == 0 ? 0 : Math.min(1.0, (double) v.state.liveRows / totalRows);
        double estimate = 0;
        double estimateCovered = 0;
        for (ShardView.Part p : parts) {
            double e = p.estimate(filter) * liveShare;
            estimate += e;
            if (p.base() < covered) {
                estimateCovered += e;
            }
        }
        FilterTuning tuning = covered == 0 ? null : filterTuning(idx, covered, estimateCovered, filter, params,
                recallTarget);
        FilterPlanner.Choice choice;
        if (covered == 0) {
            choice = FilterPlanner.EXACT;
        } else if (tuning == null) {
            choice = FilterPlanner.choose(idx.index.spec(), covered, estimateCovered, k,
                    params.nprobe() > 0 ? params.nprobe() : searcher.defaultNprobe(idx), params.efSearch());
        } else {
            choice = FilterPlanner.choose(idx.index.spec(), covered, estimateCovered, k, tuning.base(),
                    tuning.base(), tuning.setting() == null ? 0 : tuning.setting().value());
        }
        long[] matches = new long[1];
        long scanned = 0;
        String plan = choice.kind().label();
        if (choice.kind() == FilterPlanner.Kind.EXACT_MATCHES) {
            for (ShardView.Part p : v.withBufferNow(parts)) {
                scanned += scanMatches(v, q, p, filter, top, matches);
            }
        } else {
            ShardSearcher.Searched probe = null;
            double selectivity = Math.min(1.0, Math.max(estimateCovered, 1.0) / covered);
            int candidates = FilterPlanner.postCandidates(k, selectivity);
            if (postFilter && tuning != null && FilterPlanner.postFilterPays(idx.index.spec(), covered, selectivity,
                    choice.nprobe(), candidates) && filterCalibration.tryPost(idx, tuning.key())) {
                probe = postFiltered(v, idx, covered, q, k, filter, choice, candidates, top);
                filterCalibration.postOutcome(idx, tuning.key(), probe != null);
                if (probe != null) {
                    matches[0] += Math.round(estimateCovered); // not counted: the indexes' count, less dead rows
                }
            }
            if (probe == null) {
                probe = probeFiltered(v, idx, covered, q, k, filter, parts, choice, top, matches);
            }
            scanned += probe.scanned();
            plan = probe.plan();
            for (ShardView.Part p : v.withBufferNow(parts)) {
                if (p.base() >= covered) {
                    scanned += scanMatches(v, q, p, filter, top, matches);
                }
            }
        }
        long est = Math.round(estimate);
        listener.filteredSearch(plan, est, matches[0]);
        StringBuilder text = new StringBuilder("filter:").append(plan).append(" est=").append(est);
        if (choice.nprobe() > 0) {
            text.append(" nprobe=").append(choice.nprobe());
        }
        if (choice.efSearch() > 0) {
            text.append(" ef=").append(choice.efSearch());
        }
        double recall = Double.NaN;
        if (tuning != null && choice.kind() != FilterPlanner.Kind.EXACT_MATCHES && !plan.endsWith("->exact")) {
            recall = tuning.setting() == null ? Double.NaN : tuning.setting().recall();
            text.append(Double.isNaN(recall) ? " recall=unmeasured"
                    : String.format(java.util.Locale.ROOT, " recall=%.3f", recall));
            if (recallTarget > 0) {
                text.append(" target=").append(recallTarget);
            }
        }
        // Sampled when the index could answer at its narrowest step: then calibration may change the plan.
        boolean sample = tuning != null && FilterPlanner.choose(idx.index.spec(), covered, estimateCovered, k,
                tuning.base(), tuning.base(), tuning.base()).kind() != FilterPlanner.Kind.EXACT_MATCHES;
        return new ShardSearcher.Searched(text.toString(), scanned, recall, sample ? tuning : null);
    }

    /**
     * How a filtered search through an index with a knob is tuned: the unfiltered setting it widens
     * from ({@code base}: the explicit nprobe or efSearch, else the one calibrated for the recall
     * target, else the default), its calibration key, and the setting calibrated for the target
     * (null until measured). The target is the request's recall target (met with 95% confidence),
     * else the recall the unfiltered search has at {@code base} less {@link FilterCalibrator#DEFAULT_SLACK}.
     */
    record FilterTuning(FilterCalibrator.Key key, int base, int cap, boolean ivf,
                                RecallCalibrator.Setting setting) {
    }

    /** The tuning of a filtered search over {@code covered} indexed rows; null for an index without a knob. */
    private FilterTuning filterTuning(ShardIndex idx, long covered, double matches, Filter filter, SearchParams params,
                                      double recallTarget) {
        boolean ivf = idx.index.spec().type().isIvf();
        if (!ivf && idx.index.spec().type() != IndexType.HNSW_FLAT) {
            return null;
        }
        int defaultSetting = searcher.defaultSetting(idx);
        int explicit = ivf ? params.nprobe() : params.efSearch();
        int base;
        if (explicit > 0) {
            base = explicit;
        } else if (recallTarget > 0) {
            RecallCalibrator.Setting s = calibration.forTarget(idx, defaultSetting, recallTarget);
            base = s == null ? defaultSetting : s.value();
        } else {
            base = defaultSetting;
        }
        int cap = ivf ? idx.index.spec().nlist() : FilterPlanner.MAX_FILTER_EF_SEARCH;
        base = Math.min(cap, base);
        double target;
        if (recallTarget > 0) {
            target = recallTarget;
        } else {
            RecallCalibrator.Setting unfiltered = calibration.at(idx, defaultSetting, base);
            target = unfiltered == null ? Double.NaN : unfiltered.recall() - FilterCalibrator.DEFAULT_SLACK;
        }
        double selectivity = Math.min(1.0, Math.max(matches, 1.0) / covered);
        FilterCalibrator.Key key = FilterCalibrator.key(filter, selectivity, base);
        RecallCalibrator.Setting setting = filterCalibration.choose(idx, key, cap, ivf, target, recallTarget > 0);
        return new FilterTuning(key, base, cap, ivf, setting);
    }

    /**
     * One filtered calibration sample (on the calibration thread): the exact filtered top-k over
     * the rows {@code idx} covers, then the index's answer with the same allowed rows at each step
     * of the key's ladder, compared, on one view; gives up if the index was replaced or the shard
     * closed meanwhile.
     */
    private void calibrate(ShardIndex idx, float[] q, int k, Filter filter, FilterTuning tuning) {
        views.readIfCurrent(idx, v -> calibrate(v, idx, q, k, filter, tuning));
    }

    private void calibrate(ShardView v, ShardIndex idx, float[] q, int k, Filter filter, FilterTuning tuning) {
        int[] ladder = filterCalibration.ladder(idx, tuning.key(), tuning.cap());
        long covered = v.covered();
        long[] bits = allowedBits(v, filter, v.parts(), covered);
        long allowedRows = 0;
        for (long w : bits) {
            allowedRows += Long.bitCount(w);
        }
        if (allowedRows == 0) {
            return;
        }
        int kk = (int) Math.min(k, allowedRows);
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve((long) bits.length * Long.BYTES
                + 12L * kk, "calibration bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            MemorySegment allowed = arena.allocate((long) bits.length * Long.BYTES, 8);
            MemorySegment.copy(bits, 0, allowed, ValueLayout.JAVA_LONG, 0, bits.length);
            TopK exact = new TopK(kk);
            if (!searcher.scanEachSegment(v, idx, covered, seg -> searcher.scanAllowed(q, seg, covered, allowed, exact))) {
                return;
            }
            long[] truth = ShardSearcher.withoutSelf(exact, kk, -1, kk);
            double[] recalls = searcher.recallsAlong(idx, ladder, truth, kk, -1, kk, (got, value) -> searcher.searchIndex(idx,
                    covered, q, kk, tuning.ivf() ? new SearchParams(value, 0, allowed)
                            : new SearchParams(0, Math.max(kk, value), allowed), arena, got));
            if (recalls == null) {
                return;
            }
            filterCalibration.add(idx, tuning.key(), ladder, recalls);
            listener.filteredRecallSampled(recalls[0]);
        }
    }


    /** Post-filter tries and successes of filters shaped as {@code filter} (tests). */
    int[] postFilterCounts(Filter filter) {
        ShardIndex idx = searcher.currentIndex();
        return idx == null ? new int[2] : filterCalibration.postCounts(idx, FilterCalibrator.shape(filter));
    }

    /** Turns the post-filter plan on or off (tests compare it with the allowed-ids plan). */
    void postFilter(boolean enabled) {
        postFilter = enabled;
    }

    /** The most filtered calibration samples a kind of filter shaped as {@code filter} has (tests). */
    int filterCalibrationSamples(Filter filter) {
        ShardIndex idx = searcher.currentIndex();
        return idx == null ? 0 : filterCalibration.samples(idx, FilterCalibrator.shape(filter));
    }

    /** Exact distances to the live rows of {@code part} the filter matches; counts them into {@code matches[0]}. */
    private long scanMatches(ShardView v, float[] q, ShardView.Part part, Filter filter, TopK top, long[] matches) {
        if (part.rows() == 0) {
            return 0;
        }
        RoaringBitmap rows = part.matching(filter);
        long scanned = 0;
        float worst = top.worst();
        IntIterator it = rows.getIntIterator();
        while (it.hasNext()) {
            int r = it.next();
            long row = part.base() + r;
            if (v.state.dead.get(row)) {
                continue;
            }
            scanned++;
            float d = searcher.distance(q, part.vectors(), r * rowBytes);
            if (d <= worst) {
                top.offer(d, row);
                worst = top.worst();
            }
        }
        matches[0] += scanned;
        return scanned;
    }

    /**
     * The covered part of a filtered search through the index: the live matches become the allowed
     * ids; if the probed lists held fewer than k of them, the matches are scanned exactly instead.
     */
    private ShardSearcher.Searched probeFiltered(ShardView v, ShardIndex idx, long covered, float[] q, int k, Filter filter, List<ShardView.Part> parts,
                                   FilterPlanner.Choice choice, TopK top, long[] matches) {
        int words = (int) ((covered + 63) >>> 6);
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve((long) words * Long.BYTES * 2
                + 12L * k, "search bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            long[] bits = allowedBits(v, filter, parts, covered);
            long allowedRows = 0;
            for (long w : bits) {
                allowedRows += Long.bitCount(w);
            }
            matches[0] += allowedRows;
            String plan = choice.kind().label();
            if (allowedRows == 0) {
                return new ShardSearcher.Searched(plan, 0);
            }
            MemorySegment allowed = arena.allocate((long) words * Long.BYTES, 8);
            MemorySegment.copy(bits, 0, allowed, ValueLayout.JAVA_LONG, 0, words);
            int kk = (int) Math.min(k, allowedRows);
            SearchParams p = new SearchParams(choice.nprobe(), choice.efSearch(), allowed);
            int found = searcher.searchIndex(idx, covered, q, kk, p, arena, top);
            if (found < kk) {
                TopK exact = new TopK(k);
                long scanned = searcher.scanAllowed(v, q, covered, allowed, exact);
                ShardSearcher.replaceIndexedPart(top, exact);
                return new ShardSearcher.Searched(plan + "->exact", scanned);
            }
            return new ShardSearcher.Searched(plan, 0);
        }
    }

    /**
     * The covered part of a filtered IVF search without building the allowed rows: the index's
     * nearest {@code candidates} live rows at the plan's nprobe, of which the first k the filter
     * matches are kept. When k of them match, that is exactly what the search with the matches as
     * allowed ids returns at that nprobe (any nearer match in the probed lists would be among the
     * candidates), so recall and calibration are the same; otherwise null, and nothing was offered.
     */
    private ShardSearcher.Searched postFiltered(ShardView v, ShardIndex idx, long covered, float[] q, int k, Filter filter,
                                  FilterPlanner.Choice choice, int candidates, TopK top) {
        long words = (covered + 63) >>> 6;
        boolean allLive = v.state.dead.cardinality() == 0;
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve(
                (allLive ? 0 : words * Long.BYTES) + 12L * candidates, "search bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            MemorySegment allowed = allLive ? null : ShardSearcher.liveRows(v, covered, arena);
            TopK near = new TopK(candidates);
            searcher.searchIndex(idx, covered, q, candidates, new SearchParams(choice.nprobe(), 0, allowed), arena, near);
            long[] rows = new long[near.size()];
            float[] distances = new float[near.size()];
            int n = near.drain(rows, distances);
            long[] keptRows = new long[k];
            float[] keptDistances = new float[k];
            int kept = 0;
            for (int i = 0; i < n && kept < k; i++) {
                if (filter.matches(v.metadataOf(rows[i]))) {
                    keptRows[kept] = rows[i];
                    keptDistances[kept++] = distances[i];
                }
            }
            if (kept < k) {
                return null;
            }
            for (int i = 0; i < kept; i++) {
                top.offer(keptDistances[i], keptRows[i]);
            }
            return new ShardSearcher.Searched(choice.kind().label() + "+post", 0);
        }
    }

    /** One bit per covered row: set for the live rows {@code filter} matches. */
    private static long[] allowedBits(ShardView v, Filter filter, List<ShardView.Part> parts, long covered) {
        int words = (int) ((covered + 63) >>> 6);
        long[] bits = new long[words];
        for (ShardView.Part p : parts) {
            if (p.base() >= covered) {
                continue;
            }
            p.matchingInto(filter, bits, p.base());
        }
        for (int w = 0; w < words; w++) {
            bits[w] &= ~v.state.dead.word(w);
        }
        return bits;
    }
}
