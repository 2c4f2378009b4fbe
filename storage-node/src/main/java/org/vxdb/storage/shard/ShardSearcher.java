package org.vxdb.storage.shard;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import org.vxdb.index.IndexArguments;
import org.vxdb.index.IndexType;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.faiss.FaissVectorIndex;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.kernel.VectorKernels;
import org.vxdb.index.linear.LinearIndex;
import org.vxdb.index.linear.TopK;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.observe.StorageListener;

/**
 * A shard's reads: top-k searches, filtered or not, over one {@link ShardView} at a time, without
 * the shard's lock; and the recall calibration of its index, sampled from served queries on the
 * calibration thread. Writes, seals, compaction and index builds stay in {@link Shard}, which
 * publishes the views this class reads.
 */
final class ShardSearcher {

    /** Searches without the lock before one with it, when writes keep changing what they read. */
    private static final int LOCK_FREE_ATTEMPTS = 3;

    private final ShardConfig config;
    private final StorageListener listener;
    private final ShardViews views;
    /** The shard's read lock, taken only by a search whose lock-free tries all raced with writes. */
    private final Lock readLock;
    private final LongAdder lockedSearches = new LongAdder();
    private final long rowBytes;
    private final VectorKernels kernels = Kernels.best();
    private final RecallCalibrator calibration = new RecallCalibrator();
    private final FilteredSearch filtered;

    ShardSearcher(ShardConfig config, StorageListener listener, ShardViews views, Lock readLock) {
        this.config = config;
        this.listener = listener;
        this.views = views;
        this.readLock = readLock;
        this.filtered = new FilteredSearch(this, config, listener, views, calibration);
        this.rowBytes = (long) config.dimension() * Float.BYTES;
    }

    /** {@link #search(float[], int, Filter, SearchParams)} with the index's default parameters. */
    public SearchOutcome search(float[] query, int k, Filter filter) {
        return search(query, k, filter, SearchParams.DEFAULT);
    }

    /** {@link #search(float[], int, Filter, SearchParams, double)} without a recall target. */
    public SearchOutcome search(float[] query, int k, Filter filter, SearchParams params) {
        return search(query, k, filter, params, 0);
    }

    /**
     * Top-k over the buffer (exact scan) and the sealed segments (the index where it covers them,
     * exact scan beyond), skipping dead rows and rows the filter rejects. The outcome names the plan
     * that ran. A filter is evaluated on the metadata indexes ({@link org.vxdb.storage.metaindex.FilterEvaluator}); a cost model
     * ({@link FilterPlanner}) then chooses between scanning the matching rows exactly and searching
     * the index with the matches as allowed ids (with more lists or a larger efSearch when the filter
     * is selective). Whatever the plan, if k rows match, k come back.
     *
     * <p>With a {@code recallTarget} (0: none) and no explicit nprobe or efSearch, an unfiltered
     * search through the index runs at the smallest setting whose recall, measured by the shard's
     * {@link RecallCalibrator}, meets the target. Every search through the index names the setting
     * that ran and the recall measured there in its plan and {@link SearchOutcome#recall()}.
     */
    public SearchOutcome search(float[] query, int k, Filter filter, SearchParams params, double recallTarget) {
        IndexArguments.checkK(k);
        checkRecallTarget(recallTarget);
        if (query == null || query.length != config.dimension()) {
            throw new IllegalArgumentException("query has " + (query == null ? 0 : query.length)
                    + " dimensions, the collection has " + config.dimension());
        }
        for (int d = 0; d < query.length; d++) {
            if (!Float.isFinite(query[d])) {
                throw new IllegalArgumentException("query component " + d + " is not finite (" + query[d] + ")");
            }
        }
        float[] q = query.clone();
        if (config.metric() == Metric.COSINE) {
            LinearIndex.normalize(q);
        }
        for (int attempt = 0; attempt < LOCK_FREE_ATTEMPTS; attempt++) {
            ShardView v = views.acquire();
            try {
                long killsBefore = v.state.kills();
                long applyingBefore = v.state.applying();
                if ((applyingBefore & 1) != 0) {
                    // A batch is being applied: the rows it kills were logged from its start on.
                    killsBefore = Math.min(killsBefore, v.state.batchKillsFrom());
                }
                Read read = searchView(v, q, k, filter, params, recallTarget);
                if (!changedUnder(v, applyingBefore, killsBefore, read, q, filter)) {
                    sample(read, q, k, filter);
                    return read.outcome();
                }
            } finally {
                views.release(v);
            }
        }
        // Writes kept changing what the searches read: search once more with writes held off.
        Read read;
        readLock.lock();
        try {
            ShardView v = views.acquire();
            try {
                read = searchView(v, q, k, filter, params, recallTarget);
            } finally {
                views.release(v);
            }
        } finally {
            readLock.unlock();
        }
        lockedSearches.increment();
        sample(read, q, k, filter);
        return read.outcome();
    }

    /**
     * Whether a write applied while the search read {@code v} may have given it an answer that no
     * moment of the shard had. A write appends the new version of a row, then marks the old one
     * dead, row by row; a search reads the dead bits as it goes. So it may see an old version dead
     * without its new one, or both versions; or the buffer it read may have been frozen or grown, or
     * the rows renumbered by a compaction. No batch applied during the search: no change. A batch still being applied that
     * did not announce what it kills (an id twice in it): a change. Otherwise the rows the batches
     * killed, or announced they will kill, are checked: a change if one was returned, or was near
     * enough to be returned (then its new version may be missing). An old version too far to be an
     * answer changes nothing; a batch of new ids changes nothing either. (Tombstones are dead
     * before they are appended, so no search sees one.)
     */
    private boolean changedUnder(ShardView v, long applyingBefore, long killsBefore, Read read, float[] q,
                                 Filter filter) {
        ShardView now = views.current();
        if (now != null && (now.buffer != v.buffer || now.state != v.state)) {
            return true;
        }
        long applyingAfter = v.state.applying();
        if (applyingAfter == applyingBefore && (applyingBefore & 1) == 0) {
            return false;
        }
        if ((applyingAfter & 1) != 0 && !v.state.announced()) {
            return true; // a batch still being applied, whose kills are not known yet
        }
        long[] died = v.state.killsSince(killsBefore);
        if (died == null) {
            return true;
        }
        for (long row : died) {
            if (read.hasRow(row)) {
                return true;
            }
            if (row >= v.bufferBase + v.buffer.size()) {
                continue; // appended after the search read the buffer: never seen
            }
            if (filter != null && !filter.matches(v.metadataOf(row))) {
                continue;
            }
            // The row where it lies (native memory, as every scan passes): a heap copy here would give the
            // kernel's call site a second kind of segment to profile, for every scan's compiled code.
            if (distance(q, v.vectorSegment(row), 0) <= read.worst()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A search's outcome, the index it read (or null), its filtered calibration sample (or null),
     * the rows it returned and the distance a row needed to be among them (+inf when fewer than k).
     */
    private record Read(SearchOutcome outcome, ShardIndex index, FilteredSearch.FilterTuning sampleFilter, long[] rows,
                        float worst) {

        boolean hasRow(long row) {
            for (long r : rows) {
                if (r == row) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Searches that fell back to the read lock after writes changed what their lock-free tries read. */
    long lockedSearches() {
        return lockedSearches.sum();
    }

    private Read searchView(ShardView v, float[] q, int k, Filter filter, SearchParams params, double recallTarget) {
        v.checkHeld();
        ShardIndex idx = v.index;
        RecallCalibrator.Setting setting = null;
        SearchParams effective = params;
        if (filter == null && idx != null && v.covered() > 0) {
            int defaultSetting = defaultSetting(idx);
            if (params.nprobe() == 0 && params.efSearch() == 0 && recallTarget > 0) {
                setting = calibration.forTarget(idx, defaultSetting, recallTarget);
                effective = setting == null ? params : setting.params();
            } else {
                int value = idx.index.spec().type().isIvf() ? (params.nprobe() > 0 ? params.nprobe()
                        : defaultSetting) : (params.efSearch() > 0 ? params.efSearch() : defaultSetting);
                setting = calibration.at(idx, defaultSetting, value);
            }
        }
        TopK top = new TopK(k);
        Searched searched = filter == null ? unfiltered(v, q, k, effective, top)
                : filtered.search(v, q, k, filter, params, recallTarget, top);
        long[] rows = new long[top.size()];
        float[] distances = new float[top.size()];
        int n = top.drain(rows, distances);
        List<Hit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long row = rows[i];
            hits.add(new Hit(v.idOf(row), distances[i], v.versionOf(row), MetadataCodec.decode(v.metadataOf(row))));
        }
        String plan = searched.plan();
        double recall = searched.recall();
        if (setting != null && plan.startsWith("index")) {
            recall = setting.recall();
            plan += " " + setting.label() + (Double.isNaN(recall) ? " recall=unmeasured"
                    : String.format(java.util.Locale.ROOT, " recall=%.3f", recall))
                    + (recallTarget > 0 ? " target=" + recallTarget : "");
        }
        float worst = n < k ? Float.POSITIVE_INFINITY : distances[n - 1];
        return new Read(new SearchOutcome(hits, plan, searched.scanned(), recall), idx, searched.sample(),
                Arrays.copyOf(rows, n), worst);
    }

    /** Queues the calibration samples a finished search may give (at most one per process at a time). */
    private void sample(Read read, float[] q, int k, Filter filter) {
        ShardIndex idx = read.index();
        if (read.sampleFilter() != null) {
            filtered.sample(idx, q, k, filter, read.sampleFilter());
        }
        if (filter == null && idx != null && calibration.shouldSample(idx)) {
            float[] sampled = q;
            RecallCalibrator.submit(() -> {
                long started = System.nanoTime();
                try {
                    calibrate(idx, sampled, k, -1);
                } finally {
                    calibration.sampled(idx, System.nanoTime() - started);
                }
            });
        }
    }

    private static void checkRecallTarget(double target) {
        if (!(target >= 0 && target <= 1)) {
            throw new IllegalArgumentException("recall target must be between 0 and 1 (0: none), got " + target);
        }
    }

    /** The setting an index search runs at when none is given: the default nprobe, or FAISS HNSW's efSearch. */
    int defaultSetting(ShardIndex idx) {
        return idx.index.spec().type().isIvf() ? defaultNprobe(idx) : FaissVectorIndex.DEFAULT_EF_SEARCH;
    }

    /**
     * One calibration sample (on the calibration thread): the exact top-k of {@code q} over the
     * rows {@code idx} covers, then the index's answer at each ladder setting, compared, all on one
     * view (no lock: writes go on meanwhile); gives up if the index was replaced or the shard closed. {@code self}: a row that is the query
     * itself (leave-one-out), excluded from both answers; -1 for a served query.
     */
    private void calibrate(ShardIndex idx, float[] q, int k, long self) {
        views.readIfCurrent(idx, v -> calibrate(v, idx, q, k, self));
    }

    private void calibrate(ShardView v, ShardIndex idx, float[] q, int k, long self) {
        int[] ladder = calibration.ladder(idx, defaultSetting(idx));
        if (ladder.length == 0) {
            return;
        }
        int want = self >= 0 ? k + 1 : k;
        long covered = v.covered();
        TopK exact = new TopK(want);
        if (!scanEachSegment(v, idx, covered, seg -> scan(v, q, seg.segment().vectors(),
                (int) Math.min(seg.segment().count(), covered - seg.base()), seg.base(), exact))) {
            return;
        }
        long[] truthRows = withoutSelf(exact, want, self, k);
        if (truthRows.length == 0) {
            return;
        }
        boolean ivf = idx.index.spec().type().isIvf();
        double[] recalls = recallsAlong(idx, ladder, truthRows, want, self, k, (got, value) -> probeIndex(v, idx,
                covered, q, want, ivf ? SearchParams.nprobe(value) : SearchParams.efSearch(value), got));
        if (recalls == null) {
            return;
        }
        calibration.add(idx, ladder, recalls, self < 0);
        int at = java.util.Arrays.binarySearch(ladder, defaultSetting(idx));
        listener.recallSampled(self < 0, recalls[Math.max(0, at)]);
    }

    /**
     * Whether a wider setting can never find fewer of the true neighbours than a narrower one: an
     * IVF index with exact (Flat) codes probes a superset of the lists, and a true top-k row found
     * in fewer lists is still in the top k of more. A sample then stops at the first setting that
     * finds them all. (Not so for quantized codes or HNSW, whose answers may shift.)
     */
    private static boolean recallNeverFalls(ShardIndex idx) {
        return idx.index.spec().type() == IndexType.IVF_FLAT;
    }

    /** The first {@code k} rows of {@code top} (nearest first) other than {@code self}. */
    static long[] withoutSelf(TopK top, int want, long self, int k) {
        long[] rows = new long[top.size()];
        float[] distances = new float[top.size()];
        int n = top.drain(rows, distances);
        long[] out = new long[Math.min(k, n)];
        int m = 0;
        for (int i = 0; i < n && m < out.length; i++) {
            if (rows[i] != self) {
                out[m++] = rows[i];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Leave-one-out samples for a new index: live covered rows, spread over the shard, each used
     * as a query with itself left out, so the first searches with a recall target already find a
     * calibrated setting.
     */
    void bootstrapCalibration(ShardIndex idx) {
        long covered = idx.coveredRows;
        if (covered == 0) {
            return;
        }
        long step = Math.max(1, covered / RecallCalibrator.BOOTSTRAP_SAMPLES);
        RecallCalibrator.submit(() -> {
            for (long row = step / 2; row < covered; row += step) {
                long r = row;
                float[][] q = new float[1][];
                if (!views.readIfCurrent(idx, v -> q[0] = v.state.dead.get(r) ? null : v.vectorOf(r))) {
                    return;
                }
                if (q[0] != null) {
                    calibrate(idx, q[0], 10, row);
                }
            }
        });
    }

    ShardIndex currentIndex() {
        ShardView v = views.current();
        return v == null ? null : v.index;
    }

    /** Post-filter tries and successes of filters shaped as {@code filter} (tests). */
    int[] postFilterCounts(Filter filter) {
        return filtered.postFilterCounts(filter);
    }

    /** Turns the post-filter plan on or off (tests compare it with the allowed-ids plan). */
    void postFilter(boolean enabled) {
        filtered.postFilter(enabled);
    }

    /** The most filtered calibration samples a kind of filter shaped as {@code filter} has (tests). */
    int filterCalibrationSamples(Filter filter) {
        return filtered.filterCalibrationSamples(filter);
    }

    /** Calibration samples from served queries the live index has. */
    int servedCalibrationSamples() {
        ShardIndex idx = currentIndex();
        return idx == null ? 0 : calibration.servedSamples(idx);
    }

    /** Calibration samples the live index has (tests wait for the bootstrap with it). */
    int calibrationSamples() {
        ShardIndex idx = currentIndex();
        return idx == null ? 0 : calibration.samples(idx);
    }

    /**
     * The plan that ran, the rows compared exactly, the recall measured for the setting that ran
     * (NaN: none), and a filtered search's tuning when it may be sampled for calibration (else null).
     */
    record Searched(String plan, long scanned, double recall, FilteredSearch.FilterTuning sample) {
        Searched(String plan, long scanned) {
            this(plan, scanned, Double.NaN, null);
        }
    }

    private Searched unfiltered(ShardView v, float[] q, int k, SearchParams params, TopK top) {
        long scanned = 0;
        ShardIndex idx = v.index;
        long covered = v.covered();
        String plan;
        if (covered > 0) {
            Searched probe = probeIndex(v, idx, covered, q, k, params, top);
            scanned += probe.scanned();
            plan = probe.plan();
        } else {
            plan = "exact-scan";
        }
        for (SealedSegment seg : v.sealed) {
            if (seg.base() >= covered) {
                scanned += scan(v, q, seg.segment().vectors(), (int) seg.segment().count(), seg.base(), top);
            }
        }
        for (FrozenBuffer f : v.frozen) {
            scanned += scan(v, q, f.rows().vectors(), f.rows().size(), f.base(), top);
        }
        // The buffer last, its size read now: a row found dead above had its new version appended first.
        MemoryBuffer b = v.buffer;
        scanned += scan(v, q, b.vectors(), b.size(), v.bufferBase, top);
        return new Searched(plan, scanned);
    }

    /**
     * Runs {@code scanSegment} over each sealed segment of {@code v} below {@code covered}; false,
     * stopping, once the index was replaced or the shard closed (the sample would be wasted).
     */
    boolean scanEachSegment(ShardView v, ShardIndex idx, long covered,
                                    java.util.function.Consumer<SealedSegment> scanSegment) {
        for (SealedSegment seg : v.sealed) {
            if (seg.base() >= covered) {
                break;
            }
            if (views.replaced(idx)) {
                return false;
            }
            scanSegment.accept(seg);
        }
        return true;
    }

    /**
     * Recall against {@code truth} at each ladder setting: {@code searchAt} runs the index at a
     * setting into a top-{@code want}, whose first {@code k} rows other than {@code self} count.
     * Null if the index was replaced or the shard closed meanwhile. Once a setting finds every true
     * neighbour of an {@link #recallNeverFalls} index, the wider ones are not run (they cost the most
     * and cannot lose a neighbour found).
     */
    double[] recallsAlong(ShardIndex idx, int[] ladder, long[] truth, int want, long self, int k,
                                  java.util.function.ObjIntConsumer<TopK> searchAt) {
        double[] recalls = new double[ladder.length];
        for (int i = 0; i < ladder.length; i++) {
            if (i > 0 && recalls[i - 1] == 1.0 && recallNeverFalls(idx)) {
                recalls[i] = 1.0;
                continue;
            }
            if (views.replaced(idx)) {
                return null;
            }
            TopK got = new TopK(want);
            searchAt.accept(got, ladder[i]);
            recalls[i] = overlap(withoutSelf(got, want, self, k), truth);
        }
        return recalls;
    }

    /** Share of {@code truth} found in {@code found}. */
    private static double overlap(long[] found, long[] truth) {
        if (truth.length == 0) {
            return 1.0;
        }
        int hits = 0;
        for (long row : found) {
            for (long t : truth) {
                if (t == row) {
                    hits++;
                    break;
                }
            }
        }
        return hits / (double) truth.length;
    }

    /** One bit per covered row, set for the live ones. */
    static MemorySegment liveRows(ShardView v, long covered, Arena arena) {
        long words = (covered + 63) >>> 6;
        MemorySegment allowed = arena.allocate(words * Long.BYTES, 8);
        for (long w = 0; w < words; w++) {
            long alive = ~v.state.dead.word(w);
            if (w == words - 1 && (covered & 63) != 0) {
                alive &= (1L << (covered & 63)) - 1;
            }
            allowed.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, w, alive);
        }
        return allowed;
    }

    /**
     * Searches the index for {@code kk} rows into {@code top}; returns how many it found. Rows at or
     * past {@code covered} are left out: the index may have caught up with segments sealed after the
     * view was taken, whose rows the search reads from the view's buffers instead.
     */
    int searchIndex(ShardIndex idx, long covered, float[] q, int kk, SearchParams p, Arena arena, TopK top) {
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, kk);
        MemorySegment dist = arena.allocate(ValueLayout.JAVA_FLOAT, kk);
        idx.index.search(MemorySegment.ofArray(q), kk, p, ids, dist);
        int found = 0;
        for (int i = 0; i < kk; i++) {
            long row = ids.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (row >= 0 && row < covered) {
                found++;
                top.offer(ShardIndex.toShardDistance(config.metric(), dist.getAtIndex(ValueLayout.JAVA_FLOAT, i)), row);
            }
        }
        return found;
    }

    /** The unfiltered search of the covered rows; dead rows are excluded with a bitmap when there are any. */
    private Searched probeIndex(ShardView v, ShardIndex idx, long covered, float[] q, int k, SearchParams params, TopK top) {
        long words = (covered + 63) >>> 6;
        boolean allLive = v.state.dead.cardinality() == 0;
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve(
                (allLive ? 0 : words * Long.BYTES) + 12L * k, "search bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            MemorySegment allowed = allLive ? null : liveRows(v, covered, arena);
            long live = allLive ? covered : 0;
            for (long w = 0; !allLive && w < words; w++) {
                live += Long.bitCount(allowed.getAtIndex(ValueLayout.JAVA_LONG, w));
            }
            if (live == 0) {
                return new Searched("index", 0);
            }
            int kk = (int) Math.min(k, live);
            SearchParams p = new SearchParams(params.nprobe() > 0 ? params.nprobe() : defaultNprobe(idx),
                    params.efSearch(), allowed);
            int found = searchIndex(idx, covered, q, kk, p, arena, top);
            if (found < kk) {
                // The probed lists held fewer live rows than wanted: answer this part exactly.
                TopK exact = new TopK(k);
                long scanned = allLive ? scanCovered(v, q, covered, exact) : scanAllowed(v, q, covered, allowed, exact);
                replaceIndexedPart(top, exact);
                return new Searched("index->exact", scanned);
            }
            return new Searched("index", 0);
        }
    }

    /** Exact scan of every covered row (none is dead). */
    private long scanCovered(ShardView v, float[] q, long covered, TopK top) {
        long scanned = 0;
        for (SealedSegment seg : v.sealed) {
            if (seg.base() < covered) {
                scanned += scan(v, q, seg.segment().vectors(), (int) seg.segment().count(), seg.base(), top);
            }
        }
        return scanned;
    }
    /** The index's hits are the only entries in {@code top} so far; swap them for exact ones. */
    static void replaceIndexedPart(TopK top, TopK exact) {
        top.clear();
        long[] rows = new long[exact.size()];
        float[] distances = new float[exact.size()];
        int n = exact.drain(rows, distances);
        for (int i = 0; i < n; i++) {
            top.offer(distances[i], rows[i]);
        }
    }

    int defaultNprobe(ShardIndex idx) {
        if (config.index().defaultNprobe() > 0) {
            return config.index().defaultNprobe();
        }
        // sqrt(nlist): a common starting point (about 63 of 4000 lists); tune per collection.
        return Math.max(1, (int) Math.round(Math.sqrt(idx.index.spec().nlist())));
    }

    /** Exact scan of the covered rows whose bit is set in {@code allowed}. */
    long scanAllowed(ShardView v, float[] q, long covered, MemorySegment allowed, TopK top) {
        long scanned = 0;
        for (SealedSegment seg : v.sealed) {
            if (seg.base() >= covered) {
                break;
            }
            scanned += scanAllowed(q, seg, covered, allowed, top);
        }
        return scanned;
    }

    /** Exact scan of the rows of {@code seg} below {@code covered} whose bit is set in {@code allowed}. */
    long scanAllowed(float[] q, SealedSegment seg, long covered, MemorySegment allowed, TopK top) {
        long scanned = 0;
        MemorySegment vectors = seg.segment().vectors();
        long n = Math.min(seg.segment().count(), covered - seg.base());
        float worst = top.worst();
        for (long r = 0; r < n; r++) {
            long row = seg.base() + r;
            if (!SearchParams.allows(allowed, row)) {
                continue;
            }
            scanned++;
            float d = distance(q, vectors, r * rowBytes);
            if (d <= worst) {
                top.offer(d, row);
                worst = top.worst();
            }
        }
        return scanned;
    }

    float distance(float[] q, MemorySegment vectors, long off) {
        return switch (config.metric()) {
            case L2 -> kernels.squaredL2(q, vectors, off);
            case INNER_PRODUCT -> -kernels.dot(q, vectors, off);
            case COSINE -> 1f - kernels.dot(q, vectors, off);
        };
    }

    private long scan(ShardView v, float[] q, MemorySegment vectors, int rows, long base, TopK top) {
        float worst = top.worst();
        long scanned = 0;
        for (int r = 0; r < rows; r++) {
            long row = base + r;
            if (v.state.dead.get(row)) {
                continue;
            }
            scanned++;
            float d = distance(q, vectors, r * rowBytes);
            if (d <= worst) {
                top.offer(d, row);
                worst = top.worst();
            }
        }
        return scanned;
    }

}
