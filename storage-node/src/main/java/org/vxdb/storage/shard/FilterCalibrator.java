package org.vxdb.storage.shard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.vxdb.storage.filter.Filter;

/**
 * What a filtered search through a shard's index delivers, measured rather than assumed. With an
 * allowed-id selector, the k nearest matches of a filter that keeps a share s of the rows may lie
 * in lists the unfiltered setting does not probe; how far to widen depends on the data and on how
 * the filter relates to it (a filter independent of the vectors needs little, one that picks a
 * distant region needs much). So filtered searches are sampled like unfiltered ones
 * ({@link RecallCalibrator}): a sample is the exact filtered top-k over the rows the index covers,
 * compared with the index's answer at each step of a ladder of widened settings (the unfiltered
 * setting times 1, 2, 4, ... up to the full widening of 1 / s for the selectivity bucket).
 *
 * <p>Samples are kept per {@link Key}: the filter's shape (operators and fields, not values), its
 * selectivity bucket (powers of two), and the unfiltered setting widened from. Until a key has
 * {@link RecallCalibrator#MIN_SAMPLES} samples its searches widen fully (the safe choice); then the
 * smallest step whose recall meets the target runs. Thread-safe.
 */
final class FilterCalibrator {

    /** Keys kept per shard; the least recently used is dropped beyond this. */
    static final int MAX_KEYS = 32;
    /**
     * Without a recall target, a filtered search aims at the recall the unfiltered search has at
     * the same setting, less this (the mean of its samples is compared, as an unfiltered search's
     * default is reported, not guaranteed).
     */
    static final double DEFAULT_SLACK = 0.01;
    /** The narrowest selectivity bucket: 2^-20 (one row in a million). */
    private static final int MAX_BUCKET = 20;

    /** Filters of one shape, selectivity bucket and unfiltered setting share their samples. */
    record Key(String shape, int bucket, int base) {
    }

    private final SamplePacer pacer = SamplePacer.SHARED;
    private final Map<Key, RecallWindow> windows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, RecallWindow> eldest) {
            return size() > MAX_KEYS;
        }
    };
    /** Per key: post-filter attempts, successes, and searches since the last attempt. */
    private final Map<Key, int[]> post = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, int[]> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private ShardIndex index;

    /** The shape of a filter: its operators and fields, without the values ({@code and(eq(cat),range(sel))}). */
    static String shape(Filter f) {
        return switch (f) {
            case Filter.Eq eq -> "eq(" + eq.field() + ")";
            case Filter.Range range -> "range(" + range.field() + ")";
            case Filter.And and -> "and(" + parts(and.parts()) + ")";
            case Filter.Or or -> "or(" + parts(or.parts()) + ")";
            case Filter.Not not -> "not(" + shape(not.part()) + ")";
        };
    }

    /** The parts' shapes sorted and without repeats ({@code in} is an {@code or} of equalities). */
    private static String parts(java.util.List<Filter> parts) {
        TreeSet<String> shapes = new TreeSet<>();
        for (Filter p : parts) {
            shapes.add(shape(p));
        }
        return String.join(",", shapes);
    }

    /** Bucket b holds selectivities in (2^-(b+1), 2^-b]. */
    static int bucket(double selectivity) {
        if (!(selectivity > 0)) {
            return MAX_BUCKET;
        }
        int b = (int) Math.floor(-Math.log(Math.min(1.0, selectivity)) / Math.log(2));
        return Math.max(0, Math.min(MAX_BUCKET, b));
    }

    static Key key(Filter filter, double selectivity, int base) {
        return new Key(shape(filter), bucket(selectivity), base);
    }

    /**
     * The settings a key is measured at: {@code base} x 1, 2, 4, ... up to x 2^(bucket+1) (at least
     * 1 / selectivity for every selectivity of the bucket), each capped at {@code cap}.
     */
    static int[] ladderFor(Key key, int cap) {
        TreeSet<Integer> values = new TreeSet<>();
        int base = Math.max(1, Math.min(cap, key.base()));
        for (int step = 0; step <= key.bucket() + 1; step++) {
            long v = (long) base << step;
            values.add((int) Math.min(cap, v));
            if (v >= cap) {
                break;
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private void resetFor(ShardIndex idx) {
        if (index != idx) {
            index = idx;
            windows.clear();
            post.clear();
        }
    }

    private RecallWindow window(Key key, int cap) {
        return windows.computeIfAbsent(key, k -> new RecallWindow(ladderFor(k, cap)));
    }

    /** The ladder a sample of {@code key} is measured on. */
    synchronized int[] ladder(ShardIndex idx, Key key, int cap) {
        resetFor(idx);
        return window(key, cap).ladder();
    }

    /** Records one sample (recall at each ladder value); ignored if the index changed meanwhile. */
    synchronized void add(ShardIndex idx, Key key, int[] measuredLadder, double[] recalls) {
        if (index != idx) {
            return;
        }
        RecallWindow w = windows.get(key);
        if (w != null && w.sameLadder(measuredLadder)) {
            w.add(recalls, true);
        }
    }

    synchronized int samples(ShardIndex idx, Key key) {
        RecallWindow w = index == idx ? windows.get(key) : null;
        return w == null ? 0 : w.samples();
    }

    /** The most samples any key of filters shaped {@code shape} holds (tests wait for calibration with it). */
    synchronized int samples(ShardIndex idx, String shape) {
        int most = 0;
        if (index == idx) {
            for (Map.Entry<Key, RecallWindow> e : windows.entrySet()) {
                if (e.getKey().shape().equals(shape)) {
                    most = Math.max(most, e.getValue().samples());
                }
            }
        }
        return most;
    }

    /**
     * The setting a filtered search of {@code key} runs at: the smallest ladder value whose recall
     * meets {@code target} (with 95% confidence when {@code confident}, else on the mean), or the
     * ladder's top when none does; null while the key has too few samples (the caller then widens
     * fully), or when {@code target} is NaN (nothing to aim at yet).
     */
    synchronized RecallCalibrator.Setting choose(ShardIndex idx, Key key, int cap, boolean ivf, double target,
                                                 boolean confident) {
        resetFor(idx);
        RecallWindow w = windows.get(key);
        double[] mean = w == null ? null : w.means();
        if (mean == null || Double.isNaN(target)) {
            return null;
        }
        for (int i = 0; i < w.size(); i++) {
            double measured = confident ? w.lowerBound(i, mean[i]) : mean[i];
            if (measured >= target) {
                return new RecallCalibrator.Setting(w.value(i), ivf, mean[i]);
            }
        }
        int top = w.size() - 1;
        return new RecallCalibrator.Setting(w.value(top), ivf, mean[top]);
    }

    /**
     * Whether a search of {@code key} should first try the post-filter plan: yes until 8 tries, then
     * while at least half succeeded; a kind of filter that mostly fails (one that selects a region
     * away from the queries) still tries one search in 16, so a change of data or queries is noticed.
     */
    synchronized boolean tryPost(ShardIndex idx, Key key) {
        resetFor(idx);
        int[] c = post.computeIfAbsent(key, x -> new int[3]);
        if (c[0] < 8 || 2 * c[1] >= c[0]) {
            return true;
        }
        return ++c[2] % 16 == 0;
    }

    /** A post-filter try of {@code key} found k matches ({@code ok}) or not; the counts decay by half at 64. */
    synchronized void postOutcome(ShardIndex idx, Key key, boolean ok) {
        int[] c = index == idx ? post.get(key) : null;
        if (c == null) {
            return;
        }
        if (c[0] >= 64) {
            c[0] /= 2;
            c[1] /= 2;
        }
        c[0]++;
        c[1] += ok ? 1 : 0;
    }

    /** Post-filter tries and successes of filters shaped {@code shape}, summed over keys (tests). */
    synchronized int[] postCounts(ShardIndex idx, String shape) {
        int[] sum = new int[2];
        if (index == idx) {
            for (Map.Entry<Key, int[]> e : post.entrySet()) {
                if (e.getKey().shape().equals(shape)) {
                    sum[0] += e.getValue()[0];
                    sum[1] += e.getValue()[1];
                }
            }
        }
        return sum;
    }

    /** Whether a filtered search should be sampled now (one at a time per shard). */
    boolean shouldSample() {
        return pacer.shouldSample();
    }

    /** A sample of {@code key} took {@code nanos}: pace the next by the share of a core allowed. */
    void sampled(ShardIndex idx, Key key, long nanos) {
        pacer.sampled(nanos, samples(idx, key) < RecallCalibrator.WINDOW ? RecallCalibrator.WARM_UP_SHARE
                : RecallCalibrator.STEADY_SHARE);
    }
}
