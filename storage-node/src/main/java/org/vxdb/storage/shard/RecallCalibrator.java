package org.vxdb.storage.shard;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.IndexType;
import org.vxdb.index.SearchParams;

/**
 * What a shard's index delivers: recall@k measured at a ladder of settings (IVF {@code nprobe},
 * HNSW {@code efSearch}) on sampled queries, each checked against the exact answer over the rows
 * the index covers. Samples are served queries (one at a time, spaced to use at most a share of a
 * core: {@link #WARM_UP_SHARE}, then {@link #STEADY_SHARE}) and, right after an index is built or
 * loaded, rows of the shard used as queries with themselves left out (leave-one-out), which stand
 * in until {@link #MIN_SAMPLES}
 * served queries have been checked. The last {@link #WINDOW} samples count, so the figures follow
 * the data and the queries as they change; a new index starts over.
 *
 * <p>From them a shard picks the smallest setting whose mean recall meets a requested target, and
 * tells every search the recall measured at the setting that ran. Thread-safe.
 */
final class RecallCalibrator {

    /** Samples kept per shard. */
    static final int WINDOW = 64;
    /** Samples before the figures are used: until then a target runs at the ladder's top. */
    static final int MIN_SAMPLES = 12;
    /** Leave-one-out samples taken when an index is built or loaded. */
    static final int BOOTSTRAP_SAMPLES = 24;
    /**
     * Share of one core a shard's sampling of served queries may use: a sample that took t waits
     * t x (1 - share) / share before the next, 25% until the window holds served samples only, 5%
     * after. A sample checks the query against an exact scan of the shard and runs the index at every
     * ladder setting, about as costly as a few exact scans, so on a large shard this bounds it.
     */
    static final double WARM_UP_SHARE = 0.25;
    static final double STEADY_SHARE = 0.05;
    private static final int[] EF_LADDER = {16, 32, 64, 128, 256, 512, 1024};

    /** One calibration thread per process, low priority; samples beyond its short queue are dropped. */
    private static final ThreadPoolExecutor WORKER = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(8), r -> {
                Thread t = new Thread(r, "vxdb-recall-calibration");
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    static {
        WORKER.allowCoreThreadTimeOut(true);
    }

    /** A setting of the ladder and the recall measured there (NaN: not measured yet). */
    record Setting(int value, boolean ivf, double recall) {

        SearchParams params() {
            return ivf ? SearchParams.nprobe(value) : SearchParams.efSearch(value);
        }

        String label() {
            return (ivf ? "nprobe=" : "ef=") + value;
        }
    }

    private final SamplePacer pacer = SamplePacer.SHARED;
    private ShardIndex index;
    private boolean ivf;
    private RecallWindow window = new RecallWindow(new int[0]);

    static void submit(Runnable sample) {
        WORKER.execute(sample);
    }

    /** Waits until the calibration thread has nothing queued or running (tests that count memory use it). */
    static void awaitIdle() throws InterruptedException {
        while (WORKER.getActiveCount() > 0 || !WORKER.getQueue().isEmpty()) {
            Thread.sleep(5);
        }
    }

    /** The ladder for an index: powers of two below nlist plus the default nprobe, or the efSearch ladder. */
    static int[] ladderFor(IndexSpec spec, int defaultSetting) {
        TreeSet<Integer> values = new TreeSet<>();
        if (spec.type().isIvf()) {
            for (int n = 1; n < spec.nlist(); n *= 2) {
                values.add(n);
            }
            values.add(Math.min(spec.nlist(), Math.max(1, defaultSetting)));
        } else if (spec.type() == IndexType.HNSW_FLAT) {
            for (int ef : EF_LADDER) {
                values.add(ef);
            }
            values.add(defaultSetting);
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The ladder samples of {@code idx} are measured on (empty for an index without a knob). */
    synchronized int[] ladder(ShardIndex idx, int defaultSetting) {
        resetFor(idx, defaultSetting);
        return window.ladder();
    }

    private void resetFor(ShardIndex idx, int defaultSetting) {
        if (index == idx) {
            return;
        }
        index = idx;
        ivf = idx.index.spec().type().isIvf();
        window = new RecallWindow(ladderFor(idx.index.spec(), defaultSetting));
    }

    /**
     * Records one sample: recall at each ladder value (in ladder order), from a served query or a
     * leave-one-out row; ignored if the index changed meanwhile.
     */
    synchronized void add(ShardIndex idx, int[] measuredLadder, double[] recalls, boolean fromServed) {
        if (index == idx && window.sameLadder(measuredLadder)) {
            window.add(recalls, fromServed);
        }
    }

    synchronized int samples(ShardIndex idx) {
        return index == idx ? window.samples() : 0;
    }

    synchronized int servedSamples(ShardIndex idx) {
        return index == idx ? window.served() : 0;
    }

    /** Whether a served query on {@code idx} should be sampled now (and claims the slot if so: one at a time). */
    boolean shouldSample(ShardIndex idx) {
        return pacer.shouldSample();
    }

    /** A served-query sample took {@code nanos}: the next may start once the share of a core allows. */
    void sampled(ShardIndex idx, long nanos) {
        pacer.sampled(nanos, servedSamples(idx) < WINDOW ? WARM_UP_SHARE : STEADY_SHARE);
    }

    /**
     * The setting for a recall target: the smallest ladder value whose measured recall meets it
     * with 95% confidence (the mean less 1.645 standard errors over the samples); the ladder's top
     * when none does or too few samples exist yet (recall then as measured).
     */
    synchronized Setting forTarget(ShardIndex idx, int defaultSetting, double target) {
        resetFor(idx, defaultSetting);
        if (window.size() == 0) {
            return null;
        }
        double[] mean = window.means();
        if (mean != null) {
            for (int i = 0; i < window.size(); i++) {
                if (window.lowerBound(i, mean[i]) >= target) {
                    return new Setting(window.value(i), ivf, mean[i]);
                }
            }
        }
        int top = window.size() - 1;
        return new Setting(window.value(top), ivf, mean == null ? Double.NaN : mean[top]);
    }

    /** The recall measured at {@code value} (the largest ladder value not above it); NaN if not measured. */
    synchronized Setting at(ShardIndex idx, int defaultSetting, int value) {
        resetFor(idx, defaultSetting);
        if (window.size() == 0) {
            return null;
        }
        double[] mean = window.means();
        int at = -1;
        for (int i = 0; i < window.size() && window.value(i) <= value; i++) {
            at = i;
        }
        double recall = mean == null || at < 0 ? Double.NaN : mean[at];
        return new Setting(value, ivf, recall);
    }

    /** Per ladder value: the mean recall so far (for status reports and tests). */
    synchronized List<Setting> curve(ShardIndex idx) {
        List<Setting> out = new ArrayList<>();
        if (index != idx) {
            return out;
        }
        double[] mean = window.means();
        for (int i = 0; i < window.size(); i++) {
            out.add(new Setting(window.value(i), ivf, mean == null ? Double.NaN : mean[i]));
        }
        return out;
    }
}
