package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;
import org.vxdb.vecs.VectorSet;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Recall you can ask for: with a recall target, a shard searches its index at the smallest
 * setting whose recall, measured on sampled queries against the exact answer, meets it. Checked
 * against the exact ground truth of real data (sift-5k, mnist-10k) and of a generated hard set
 * whose neighbours spread over many IVF lists. Every index search names its setting and recall.
 */
class ShardRecallTargetTest {

    private static final int K = 10;
    private static final double TARGET = 0.95;
    private static final Pattern TARGETED = Pattern.compile("index nprobe=\\d+ recall=[01]\\.\\d{3} target=0\\.95");

    @TempDir
    Path dir;

    private static boolean faiss() {
        return VectorIndexProviders.get().name().equals("faiss");
    }

    private static Dataset shared(String name, Arena arena) throws IOException {
        return Dataset.load(Path.of(System.getProperty("vxdb.shared.dir"), "data", name), arena);
    }

    /** Every base row with id = row number, sealed, indexed by IVF once 2,000 rows are sealed. */
    private Shard load(VectorSet base) throws IOException {
        Shard shard = Shard.open(ShardFixtures.config(dir, base.dimension(), Metric.L2, 2_500, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF,Flat", 2_000)));
        int per = Math.max(1, 200_000 / (base.dimension() * Float.BYTES + 32)); // within the WAL's record limit
        for (int from = 0; from < base.count(); from += per) {
            List<ShardWrite> batch = new ArrayList<>();
            for (int r = from; r < Math.min(base.count(), from + per); r++) {
                batch.add(ShardWrite.upsert(r, 1, base.row(r), new byte[0]));
            }
            shard.write(batch);
        }
        shard.flush();
        shard.awaitIndexing();
        return shard;
    }

    /** Waits for the leave-one-out samples taken when the index was built (a test's wait, not a timing). */
    private static void awaitBootstrap(Shard shard) throws InterruptedException {
        for (int i = 0; i < 6_000 && shard.calibrationSamples() < RecallCalibrator.MIN_SAMPLES; i++) {
            Thread.sleep(10);
        }
        assertTrue(shard.calibrationSamples() >= RecallCalibrator.MIN_SAMPLES,
                shard.calibrationSamples() + " calibration samples");
    }

    /**
     * Traffic before the measurement: the queries, over and over, until the shard has checked
     * a full window ({@link RecallCalibrator#WINDOW}) of them against the exact answer (the
     * calibration thread samples what it keeps up with), so its figures come from served queries.
     */
    private static void serve(Shard shard, VectorSet queries) throws InterruptedException {
        for (int pass = 0; pass < 500 && shard.servedCalibrationSamples() < RecallCalibrator.WINDOW; pass++) {
            for (int q = 0; q < queries.count(); q++) {
                shard.search(queries.row(q), K, null);
            }
            Thread.sleep(20);
        }
        assertTrue(shard.servedCalibrationSamples() >= RecallCalibrator.WINDOW,
                shard.servedCalibrationSamples() + " served calibration samples");
    }

    /** Mean tie-aware recall@K of the searches against the ground truth (ids are base rows). */
    private static double recall(Shard shard, VectorSet queries, int[][] truth, float[][] truthDistances,
                                 double target, int nprobe, List<String> plans) {
        long hits = 0;
        for (int q = 0; q < queries.count(); q++) {
            SearchOutcome o = shard.search(queries.row(q), K, null, SearchParams.nprobe(nprobe), target);
            long[] ids = new long[o.hits().size()];
            float[] distances = new float[o.hits().size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = o.hits().get(i).id();
                distances[i] = (float) Math.sqrt(o.hits().get(i).distance()); // the truth holds plain L2
            }
            hits += Recall.hits(ids, distances, truth[q], truthDistances == null ? null : truthDistances[q], K, 1e-5);
            plans.add(o.plan());
        }
        return hits / (double) ((long) queries.count() * K);
    }

    private void assertTargetMet(VectorSet base, VectorSet queries, int[][] truth, float[][] truthDistances,
                                 String what) throws Exception {
        try (Shard shard = load(base)) {
            List<String> plans = new ArrayList<>();
            if (!faiss()) {
                // The pure-Java provider builds no index: every search is exact, and says so.
                assertEquals(1.0, recall(shard, queries, truth, truthDistances, TARGET, 0, plans), 1e-9, what);
                assertTrue(plans.stream().allMatch("exact-scan"::equals), plans.toString());
                return;
            }
            awaitBootstrap(shard);
            serve(shard, queries);
            double atDefault = recall(shard, queries, truth, truthDistances, 0, 0, plans);
            double targeted = recall(shard, queries, truth, truthDistances, TARGET, 0, plans);
            System.out.printf(java.util.Locale.ROOT, "%s: recall@10 %.4f at the default (%s), %.4f with target %s (%s)%n",
                    what, atDefault, plans.getFirst(), targeted, TARGET, plans.getLast());
            assertTrue(targeted >= TARGET, what + ": recall@10 " + targeted + " with target " + TARGET
                    + " (default setting: " + atDefault + "; plans " + plans.getLast() + ")");
            for (String plan : plans.subList(queries.count(), plans.size())) {
                assertTrue(TARGETED.matcher(plan).matches(), plan);
            }
            // Without a target the default runs and reports the recall measured there.
            assertTrue(plans.getFirst().matches("index nprobe=\\d+ recall=[01]\\.\\d{3}"), plans.getFirst());
        }
    }

    @Test
    void shouldMeetTheTargetOnSift() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Dataset ds = shared("sift-5k", arena);
            assertTargetMet(ds.base(), ds.queries(), ds.groundTruth(), ds.groundTruthDistances(), "sift-5k");
        }
    }

    @Test
    void shouldMeetTheTargetOnMnist() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Dataset ds = shared("mnist-10k", arena);
            assertTargetMet(ds.base(), ds.queries(), ds.groundTruth(), ds.groundTruthDistances(), "mnist-10k");
        }
    }

    /**
     * 20,000 x 32 unclustered Gaussian vectors: every query's neighbours sit in many IVF lists,
     * so the default nprobe finds far fewer of them than the target asks.
     */
    @Test
    void shouldMeetTheTargetOnAHardSet() throws Exception {
        int n = 20_000;
        int dim = 32;
        int nq = 100;
        try (Arena arena = Arena.ofConfined()) {
            VectorSet base = gaussian(n, dim, 7, arena);
            VectorSet queries = gaussian(nq, dim, 8, arena);
            int[][] truth = new int[nq][];
            float[][] truthDistances = new float[nq][];
            for (int q = 0; q < nq; q++) {
                float[] query = queries.row(q);
                double[] d = new double[n];
                for (int r = 0; r < n; r++) {
                    d[r] = Math.sqrt(ShardFixtures.l2(query, base.row(r)));
                }
                truth[q] = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble((Integer r) -> d[r])
                        .thenComparingInt(r -> r)).limit(K).mapToInt(Integer::intValue).toArray();
                truthDistances[q] = new float[K];
                for (int j = 0; j < K; j++) {
                    truthDistances[q][j] = (float) d[truth[q][j]];
                }
            }
            assertTargetMet(base, queries, truth, truthDistances, "gaussian 20k x 32");
        }
    }

    private static VectorSet gaussian(int n, int dim, long seed, Arena arena) {
        SplittableRandom rnd = new SplittableRandom(seed);
        var data = arena.allocate((long) n * dim * Float.BYTES, 64);
        for (long i = 0; i < (long) n * dim; i++) {
            data.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
        return new VectorSet(dim, n, data);
    }

    @Test
    void shouldReportTheRecallOfAnExplicitSettingAndRefuseABadTarget() throws Exception {
        try (Arena arena = Arena.ofConfined(); Shard shard = load(shared("sift-5k", arena).base())) {
            float[] q = ShardFixtures.vector(3, 128);
            assertEquals("recall target must be between 0 and 1 (0: none), got 1.5", assertThrows(
                    IllegalArgumentException.class, () -> shard.search(q, K, null, SearchParams.DEFAULT, 1.5))
                    .getMessage());
            assertEquals("recall target must be between 0 and 1 (0: none), got NaN", assertThrows(
                    IllegalArgumentException.class, () -> shard.search(q, K, null, SearchParams.DEFAULT, Double.NaN))
                    .getMessage());
            if (!faiss()) {
                SearchOutcome o = shard.search(q, K, null, SearchParams.DEFAULT, 0.9);
                assertEquals("exact-scan", o.plan());
                assertTrue(Double.isNaN(o.recall()));
                return;
            }
            awaitBootstrap(shard);
            SearchOutcome o = shard.search(q, K, null, SearchParams.nprobe(2), 0.99);
            // An explicit nprobe wins over the target; the recall measured at it is reported.
            assertTrue(o.plan().matches("index nprobe=2 recall=0\\.\\d{3} target=0\\.99"), o.plan());
            assertTrue(o.recall() > 0 && o.recall() < 1, "recall at nprobe 2: " + o.recall());
        }
    }
}
