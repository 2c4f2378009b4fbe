package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Filtered searches through the index are calibrated like unfiltered ones: until a kind of filter
 * has been measured the plan widens nprobe by 1 / selectivity and says the recall is unmeasured;
 * once sampled queries have been checked against the exact filtered answer it runs at the smallest
 * step that keeps the unfiltered recall (or meets a requested target), and names the recall.
 */
class ShardFilterCalibrationTest {

    private static final int DIM = 32;
    private static final int ROWS = 40_000;
    private static final int K = 10;
    private static final int NLIST = 200;
    private static final int BASE_NPROBE = 14; // about sqrt(200), the default
    private static final int QUERIES = 40;
    private static final Pattern PLAN = Pattern.compile(
            "filter:index(-wide)?(\\+post)? est=\\d+ nprobe=(\\d+) recall=(unmeasured|[01]\\.\\d{3})( target=0\\.95)?");

    @TempDir
    Path dir;

    private final Map<Long, float[]> vectors = new HashMap<>();

    private static boolean faiss() {
        return VectorIndexProviders.get().name().equals("faiss");
    }

    /** 64 Gaussian blobs in 32 dimensions. */
    private static float[] clustered(long seed, float[][] centres) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] c = centres[rnd.nextInt(centres.length)];
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = c[d] + (float) (0.25 * rnd.nextGaussian());
        }
        return v;
    }

    private static float[][] centres() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[][] centres = new float[64][DIM];
        for (float[] c : centres) {
            for (int d = 0; d < DIM; d++) {
                c[d] = (float) (2 * rnd.nextDouble() - 1);
            }
        }
        return centres;
    }

    /**
     * "r" spreads ids evenly over [0, 10000), independent of the vectors: r < 1000 keeps 10%.
     * "blob" is the blob a clustered row was drawn from.
     */
    private static Metadata metadata(long id) {
        return Metadata.of("r", (id * 7919) % 10_000, "blob", blobOf(id));
    }

    /** The blob {@link #clustered} draws row {@code seed} from. */
    private static int blobOf(long seed) {
        return new SplittableRandom(seed).nextInt(64);
    }

    private static final Filter TENTH = Filter.range("r", null, false, 1_000.0, false);

    private Shard load() throws IOException {
        return load(true);
    }

    /** 40,000 rows: the 64 blobs, or unclustered Gaussian vectors whose neighbours spread over many lists. */
    private Shard load(boolean clustered) throws IOException {
        vectors.clear();
        Path at = dir.resolve(clustered ? "clustered" : "gaussian");
        Shard shard = Shard.open(ShardFixtures.config(at, DIM, Metric.L2, 5_000, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF" + NLIST + ",Flat", 20_000))
                .withMetadataIndexes(List.of(MetadataIndexSpec.ordered("r"), MetadataIndexSpec.ordered("blob"))));
        float[][] centres = centres();
        List<ShardWrite> batch = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) {
            float[] v = clustered ? clustered(id, centres) : ShardFixtures.vector(id, DIM);
            vectors.put(id, v);
            batch.add(ShardWrite.upsert(id, 1, v, MetadataCodec.encode(metadata(id))));
            if (batch.size() == 1_000) {
                shard.write(batch);
                batch.clear();
            }
        }
        shard.flush();
        shard.awaitIndexing();
        assertEquals(faiss() ? ROWS : 0, shard.indexedRows(), "the pure-Java provider builds no index");
        return shard;
    }

    private static float[][] queries() {
        return queries(true);
    }

    private static float[][] queries(boolean clustered) {
        float[][] centres = centres();
        float[][] qs = new float[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            qs[q] = clustered ? clustered(1_000_000 + q, centres) : ShardFixtures.vector(1_000_000 + q, DIM);
        }
        return qs;
    }

    private List<Long> exact(float[] q, Filter f) {
        return vectors.entrySet().stream()
                .filter(e -> f == null || f.matches(metadata(e.getKey())))
                .sorted(java.util.Comparator.comparingDouble((Map.Entry<Long, float[]> e) -> ShardFixtures.l2(q,
                        e.getValue())).thenComparingLong(Map.Entry::getKey))
                .limit(K).map(Map.Entry::getKey).toList();
    }

    /** Mean recall@K of the searches against the exact (filtered) answer; collects the plans. */
    private double recall(Shard shard, float[][] qs, Filter f, double target, List<String> plans) {
        double sum = 0;
        for (float[] q : qs) {
            SearchOutcome o = shard.search(q, K, f, SearchParams.DEFAULT, target);
            plans.add(o.plan());
            List<Long> truth = exact(q, f);
            Set<Long> got = new HashSet<>(ShardFixtures.ids(o));
            sum += truth.stream().filter(got::contains).count() / (double) truth.size();
        }
        return sum / qs.length;
    }

    /** Serves the filtered queries until the shard has checked a full window of them (a test's wait). */
    private static void serve(Shard shard, float[][] qs, double target) throws InterruptedException {
        for (int pass = 0; pass < 500 && shard.filterCalibrationSamples(TENTH) < RecallCalibrator.WINDOW;
             pass++) {
            for (float[] q : qs) {
                shard.search(q, K, TENTH, SearchParams.DEFAULT, target);
            }
            Thread.sleep(20);
        }
        assertTrue(shard.filterCalibrationSamples(TENTH) >= RecallCalibrator.WINDOW,
                shard.filterCalibrationSamples(TENTH) + " filtered calibration samples");
    }

    private static int nprobe(String plan) {
        Matcher m = PLAN.matcher(plan);
        assertTrue(m.matches(), plan);
        return Integer.parseInt(m.group(3));
    }

    @Test
    void shouldNarrowTheWideningOnceMeasuredAndKeepTheUnfilteredRecall() throws Exception {
        try (Shard shard = load()) {
            float[][] qs = queries();
            List<String> plans = new ArrayList<>();
            if (!faiss()) {
                assertEquals(1.0, recall(shard, qs, TENTH, 0, plans), 1e-9);
                assertTrue(plans.stream().allMatch(p -> p.matches("filter:exact-matches est=\\d+")), plans.toString());
                return;
            }
            SearchOutcome first = shard.search(qs[0], K, TENTH);
            assertTrue(first.plan().matches("filter:index-wide(\\+post)? est=\\d+ nprobe=140 recall=unmeasured"),
                    "before any sample the plan widens by 1 / selectivity: " + first.plan());
            assertTrue(Double.isNaN(first.recall()));
            double unfiltered = recall(shard, qs, null, 0, new ArrayList<>());
            serve(shard, qs, 0);
            double filtered = recall(shard, qs, TENTH, 0, plans);
            String last = plans.getLast();
            System.out.printf(java.util.Locale.ROOT, "10%% filter: recall@10 %.4f (%s); unfiltered %.4f%n", filtered,
                    last, unfiltered);
            assertTrue(nprobe(last) < 140, "calibrated below the full widening: " + last);
            assertTrue(nprobe(last) >= BASE_NPROBE, last);
            assertTrue(last.contains(" recall=0.") || last.contains(" recall=1."), last);
            assertTrue(filtered >= unfiltered - 0.05, "filtered recall " + filtered + " against unfiltered "
                    + unfiltered + " (" + last + ")");
            SearchOutcome after = shard.search(qs[0], K, TENTH);
            assertTrue(after.recall() > 0 && after.recall() <= 1, "measured recall is reported: " + after.recall());
        }
    }

    /** On the blobs and on unclustered Gaussian data (where the 10% filter's neighbours spread over many lists). */
    @Test
    void shouldMeetARecallTargetWithAFilter() throws Exception {
        for (boolean clustered : new boolean[] {true, false}) {
            String what = clustered ? "clustered" : "gaussian";
            try (Shard shard = load(clustered)) {
                float[][] qs = queries(clustered);
                List<String> plans = new ArrayList<>();
                if (!faiss()) {
                    assertEquals(1.0, recall(shard, qs, TENTH, 0.95, plans), 1e-9, what);
                    continue;
                }
                serve(shard, qs, 0.95);
                double filtered = recall(shard, qs, TENTH, 0.95, plans);
                double atDefault = recall(shard, qs, TENTH, 0, new ArrayList<>());
                String last = plans.getLast();
                System.out.printf(java.util.Locale.ROOT, "%s, 10%% filter, target 0.95: recall@10 %.4f (%s); "
                        + "%.4f without a target%n", what, filtered, last, atDefault);
                assertTrue(filtered >= 0.95, what + ": recall@10 " + filtered + " with target 0.95 (" + last + ")");
                for (String plan : plans) {
                    assertTrue(PLAN.matcher(plan).matches() && plan.endsWith(" target=0.95")
                            && !plan.contains("unmeasured"), what + ": " + plan);
                }
            }
        }
    }

    /**
     * A broad filter on a shard where the bitset of its matches costs more than the distances it
     * saves (FilterPlanner.postFilterPays) first fetches the index's 2k / selectivity nearest rows and keeps the matches
     * ("+post"); when k of them match that is exactly what the allowed-ids search at the same nprobe
     * returns, so both plans are compared on the same shard before any calibration sample counts.
     */
    @Test
    void shouldPostFilterToTheSameAnswerAsTheAllowedIdsPlan() throws Exception {
        try (Shard shard = load()) {
            if (!faiss()) {
                return; // no index: every filtered search is exact (the other tests check that)
            }
            // 90% of the rows: here setting 36,000 bits costs more than the distances the selector skips.
            Filter half = Filter.range("r", null, false, 9_000.0, false);
            int posted = 0;
            for (float[] q : queries()) {
                SearchOutcome post = shard.search(q, K, half);
                shard.postFilter(false);
                SearchOutcome selector = shard.search(q, K, half);
                shard.postFilter(true);
                assertTrue(selector.plan().matches("filter:index(-wide)? est=\\d+ nprobe=\\d+ recall=\\S+"),
                        selector.plan());
                assertEquals(selector.plan().replaceFirst("^filter:(\\S+)", ""),
                        post.plan().replaceFirst("^filter:(\\S+)", ""), "same estimate and setting");
                if (post.plan().startsWith("filter:index+post") || post.plan().startsWith("filter:index-wide+post")) {
                    posted++;
                }
                assertEquals(ShardFixtures.ids(selector), ShardFixtures.ids(post), post.plan());
                for (int i = 0; i < K; i++) {
                    assertEquals(selector.hits().get(i).distance(), post.hits().get(i).distance(), 0f);
                }
            }
            assertEquals(QUERIES, posted, "a filter independent of the vectors post-filters every time");
            assertEquals(QUERIES, shard.postFilterCounts(half)[1]);
        }
    }

    /**
     * A broad filter (7 in 8 rows) that keeps no row of the queries' own blob: the nearest rows hold no match,
     * so the post-filter try fails and the allowed-ids plan answers; after 8 failures it is tried
     * only now and then. Every search still returns k matching rows.
     */
    @Test
    void shouldFallBackWhenTheNearestRowsHoldTooFewMatches() throws Exception {
        try (Shard shard = load()) {
            if (!faiss()) {
                return;
            }
            Filter firstEight = Filter.range("blob", null, false, 56.0, false); // 87.5% of the rows
            float[][] centres = centres();
            int searched = 0;
            for (long seed = 2_000_000; searched < 60; seed++) {
                if (blobOf(seed) < 56) {
                    continue; // a query from another blob than the filter keeps
                }
                SearchOutcome o = shard.search(clustered(seed, centres), K, firstEight);
                assertFalse(o.plan().contains("+post"), o.plan());
                assertEquals(K, o.hits().size(), o.plan());
                for (Hit h : o.hits()) {
                    assertTrue(blobOf(h.id()) < 56, "hit " + h.id() + " matches the filter");
                }
                searched++;
            }
            int[] tries = shard.postFilterCounts(firstEight);
            assertEquals(0, tries[1], "no try found k matches");
            assertTrue(tries[0] >= 8 && tries[0] < 20, "tried 8 times, then one search in 16: " + tries[0]);
        }
    }

    @Test
    void shouldKeySamplesByShapeSelectivityAndSetting() {
        Filter f = Filter.and(Filter.eq("cat", "c3"), Filter.range("sel", 1.0, true, 5.0, false),
                Filter.not(Filter.in("tag", "a", "b")));
        assertEquals("and(eq(cat),not(or(eq(tag))),range(sel))", FilterCalibrator.shape(f));
        assertEquals(FilterCalibrator.shape(Filter.eq("cat", "c7")), FilterCalibrator.shape(Filter.eq("cat", "c3")));
        assertEquals(0, FilterCalibrator.bucket(1.0));
        assertEquals(0, FilterCalibrator.bucket(0.6));
        assertEquals(1, FilterCalibrator.bucket(0.5));
        assertEquals(3, FilterCalibrator.bucket(0.1));
        assertEquals(20, FilterCalibrator.bucket(0));
        assertEquals("[14, 28, 56, 112, 224]", java.util.Arrays.toString(
                FilterCalibrator.ladderFor(new FilterCalibrator.Key("eq(cat)", 3, 14), 1789)));
        assertEquals("[42, 84]", java.util.Arrays.toString(
                FilterCalibrator.ladderFor(new FilterCalibrator.Key("eq(cat)", 0, 42), 1789)));
        assertEquals("[64, 128, 150]", java.util.Arrays.toString(
                FilterCalibrator.ladderFor(new FilterCalibrator.Key("eq(cat)", 5, 64), 150)));
    }
}
