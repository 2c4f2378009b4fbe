package org.vxdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.SearchOutcome;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;
import org.vxdb.vecs.VectorSet;

/**
 * {@code search}: single-query k-NN through the engine ({@link Shard#search}) against the same
 * index type used directly ({@link VectorIndex}: same nlist, same training sample size, same data,
 * same nprobe), in one run. Per nprobe: QPS, latency percentiles and tie-aware recall@k of each,
 * and engine QPS / direct QPS.
 *
 * <p>Both sides run on this thread, one query at a time, back to back (closed loop: QPS is
 * 1 / mean service time). Engine and direct passes alternate (ABBA over {@code --rounds}) so
 * that drift in machine load hits both alike. A third, diagnostic side ({@code --bitmap-baseline
 * true}, the default) searches the direct index with an all-allowed id bitmap, as the engine does
 * with its live-row bitmap, to show where the engine's overhead goes. Without an index (fewer sealed rows than the build
 * threshold) the engine scans exactly and the baseline is a direct flat index.
 */
final class SearchBench {

    static final Set<String> OPTIONS = IngestBench.union(DatasetSource.OPTIONS,
            Set.of("nprobe", "k", "rounds", "warmup", "index", "work", "load-batch", "bitmap-baseline"));
    static final String DEFAULT_NPROBES = "1,2,4,8,16,32,64,128,default";
    static final double RECALL_GOAL = 0.95;
    /** Relative tolerance for distance ties in recall (the engine's and the ground truth's float rounding differ). */
    private static final double TIE_TOLERANCE = 1e-5;

    private SearchBench() {
    }

    /** One side's results over all queries of one round: ids and L2 distances, {@code nq x k}. */
    private record Answers(long[][] ids, float[][] distances) {
        static Answers of(int nq, int k) {
            return new Answers(new long[nq][k], new float[nq][k]);
        }
    }

    /** The measured side: answers query {@code q} into {@code answers}. */
    private interface Searcher {
        void search(int q, Answers answers);
    }

    /** What one side measured at one nprobe. */
    private record Side(Histogram latency, long nanos, long queries, double recall) {
        double qps() {
            return queries / (nanos / 1e9);
        }
    }

    static JsonLine run(BenchOptions o, PrintStream out) throws IOException {
        int k = o.integer("k", 10, 1);
        int rounds = o.integer("rounds", 2, 1);
        int warmup = o.integer("warmup", 200, 0);
        int loadBatch = o.integer("load-batch", 10_000, 1);
        String index = o.string("index", BenchCollection.DEFAULT_INDEX);
        List<Integer> nprobes = o.nprobes("nprobe", DEFAULT_NPROBES);
        Path work = o.path("work", Path.of(System.getProperty("java.io.tmpdir")));
        String loadStart = BenchCollection.loadAverage();
        VectorIndexProvider provider = VectorIndexProviders.get();
        try (Arena arena = Arena.ofShared()) {
            Dataset ds = DatasetSource.load(o, arena, out);
            if (ds.groundTruth()[0].length < k) {
                throw new IllegalArgumentException("the ground truth has " + ds.groundTruth()[0].length
                        + " neighbours per query, fewer than k=" + k);
            }
            int n = ds.base().count();
            int dim = ds.base().dimension();
            CollectionConfig config = BenchCollection.config(dim, index, FsyncPolicy.NONE, Duration.ofMillis(2));
            Path dataDir = Files.createTempDirectory(Files.createDirectories(work), "vxdb-search-");
            try (StorageEngine engine = BenchCollection.openEngine(dataDir)) {
                Collection c = engine.createCollection(config);
                Shard shard = c.shard(0);
                out.printf(Locale.ROOT, "search: loading %d x %d into %s (fsync none, batch %d, index %s)%n", n, dim,
                        dataDir, loadBatch, index);
                long t0 = System.nanoTime();
                BenchCollection.ingest(c, BenchCollection.batches(ds.base(), n, loadBatch));
                c.flush();
                int calls = BenchCollection.awaitIndexed(shard, BenchCollection.expectedIndexedRows(config, n), out);
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                String engineIndex = shard.indexDescription();
                out.printf(Locale.ROOT, "  loaded and indexed in %.1f s: index %s over %d rows (%d awaitIndexing "
                        + "calls)%n", loadSeconds, engineIndex, shard.indexedRows(), calls);

                boolean exact = engineIndex.equals("none");
                IndexSpec spec = exact ? IndexSpec.flat(dim, Metric.L2) : IndexSpec.parse(engineIndex, dim, Metric.L2);
                int trainingRows = (int) Math.min(n, config.indexPolicy(StorageEngine.INDEX_BUILD_THRESHOLD)
                        .maxTrainingRows());
                long t1 = System.nanoTime();
                try (VectorIndex direct = buildDirect(provider, spec, ds.base(), trainingRows, arena)) {
                    out.printf(Locale.ROOT, "  direct %s (%s provider) trained on %d sampled rows, %d added, in %.1f s%n",
                            spec.description(), direct.provider(), exact ? 0 : trainingRows, direct.count(),
                            (System.nanoTime() - t1) / 1e9);
                    // Single-query searches; the documented benchmarks all run FAISS single-threaded.
                    provider.setThreads(1);
                    List<Integer> sweep = exact ? List.of(0) : nprobes;
                    List<JsonLine> rows = new ArrayList<>();
                    boolean withSelector = !exact && o.string("bitmap-baseline", "true").equals("true");
                    printHeader(out, k, withSelector);
                    boolean goalMarked = false;
                    for (int np : sweep) {
                        JsonLine row = measureNprobe(shard, direct, ds, np, k, rounds, warmup, arena, out,
                                exact, !goalMarked, withSelector);
                        goalMarked |= Boolean.TRUE.equals(row.get("meets_recall_goal"));
                        rows.add(row);
                    }
                    return new JsonLine().put("bench", "search").put("dataset", ds.name()).put("n", n).put("dim", dim)
                            .put("queries", ds.queries().count()).put("k", k).put("rounds", rounds)
                            .put("warmup", warmup).put("engine_index", engineIndex)
                            .put("direct_index", spec.description()).put("training_rows", exact ? 0 : trainingRows)
                            .put("load_and_index_s", loadSeconds).put("await_indexing_calls", calls)
                            .put("recall_goal", RECALL_GOAL).put("results", rows)
                            .put("loadavg_start", loadStart).put("loadavg_end", BenchCollection.loadAverage());
                }
            } finally {
                ClusteredData.deleteTree(dataDir);
            }
        }
    }

    /**
     * The direct baseline: trained on a uniform sample of {@code trainingRows} rows (the engine's
     * sample size), then every row added with id = row, straight from the native base segment.
     */
    private static VectorIndex buildDirect(VectorIndexProvider provider, IndexSpec spec, VectorSet base,
                                           int trainingRows, Arena arena) {
        VectorIndex index = provider.create(spec);
        try {
            if (spec.requiresTraining()) {
                try (Arena scratch = Arena.ofConfined()) {
                    index.train(RowSample.of(base, trainingRows, scratch));
                }
            }
            MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, base.count());
            for (int r = 0; r < base.count(); r++) {
                ids.setAtIndex(ValueLayout.JAVA_LONG, r, r);
            }
            index.add(ids, base.data());
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    private static JsonLine measureNprobe(Shard shard, VectorIndex direct, Dataset ds, int nprobe, int k, int rounds,
                                          int warmup, Arena arena, PrintStream out, boolean exact, boolean mayMark,
                                          boolean withSelector) {
        int nq = ds.queries().count();
        float[][] heapQueries = new float[nq][];
        MemorySegment[] nativeQueries = new MemorySegment[nq];
        for (int q = 0; q < nq; q++) {
            heapQueries[q] = ds.queries().row(q);
            nativeQueries[q] = ds.queries().rows(q, q + 1);
        }
        // nprobe 0 is the engine's default, nlist / 8; the direct index gets the same number explicitly.
        int directNprobe = exact ? 0 : nprobe > 0 ? nprobe : Math.max(1, direct.spec().nlist() / 8);
        SearchParams engineParams = nprobe > 0 ? SearchParams.nprobe(nprobe) : SearchParams.DEFAULT;
        SearchParams directParams = directNprobe > 0 ? SearchParams.nprobe(directNprobe) : SearchParams.DEFAULT;
        String[] planOf = new String[nq];
        Searcher engine = (q, a) -> {
            SearchOutcome outcome = shard.search(heapQueries[q], k, null, engineParams);
            List<Hit> hits = outcome.hits();
            for (int i = 0; i < k; i++) {
                a.ids()[q][i] = i < hits.size() ? hits.get(i).id() : -1;
                a.distances()[q][i] = i < hits.size() ? (float) Math.sqrt(hits.get(i).distance()) : Float.NaN;
            }
            planOf[q] = outcome.plan();
        };
        List<Measured> sides = new ArrayList<>();
        sides.add(new Measured("engine", engine, nq, k));
        sides.add(new Measured("direct", directSearcher(direct, nativeQueries, k, directParams, arena), nq, k));
        if (withSelector) {
            // Diagnostic: the direct index handed an all-allowed id bitmap, as the engine hands FAISS its
            // live-row bitmap. Splits the engine's overhead into FAISS's per-candidate id check and the rest.
            MemorySegment allowAll = arena.allocate((direct.count() + 7) / 8, 8).fill((byte) 0xff);
            sides.add(new Measured("direct+bitmap", directSearcher(direct, nativeQueries, k,
                    directParams.withAllowedIds(allowAll), arena), nq, k));
        }
        Answers scratch = Answers.of(nq, k);
        for (int q = 0; q < Math.min(warmup, nq); q++) {
            for (Measured m : sides) {
                m.searcher().search(q, scratch);
            }
        }
        for (int r = 0; r < rounds; r++) {
            // Forward order in even rounds, backward in odd ones: load drift hits every side alike.
            for (int i = 0; i < sides.size(); i++) {
                Measured m = sides.get(r % 2 == 0 ? i : sides.size() - 1 - i);
                m.nanos[0] += pass(m.searcher(), nq, r == 0 ? m.answers() : scratch, m.latency());
            }
        }
        Map<String, Integer> plans = new TreeMap<>();
        for (String plan : planOf) {
            plans.merge(plan, 1, Integer::sum);
        }
        List<Side> results = new ArrayList<>();
        for (Measured m : sides) {
            results.add(new Side(m.latency(), m.nanos[0], (long) rounds * nq, recall(m.answers(), ds, k)));
        }
        Side e = results.get(0);
        Side d = results.get(1);
        double ratio = e.qps() / d.qps();
        boolean meets = mayMark && e.recall() >= RECALL_GOAL;
        String label = exact ? "exact" : nprobe > 0 ? Integer.toString(nprobe) : "default=" + directNprobe;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "  %-12s %8.0f %7.4f %8.1f %8.1f %8.1f | %8.0f %7.4f %8.1f %8.1f %8.1f | %6.3f", label, e.qps(),
                e.recall(), us(e.latency(), 50), us(e.latency(), 99), us(e.latency(), 99.9), d.qps(), d.recall(),
                us(d.latency(), 50), us(d.latency(), 99), us(d.latency(), 99.9), ratio));
        JsonLine json = new JsonLine().put("nprobe", label).put("nprobe_value", exact ? 0 : directNprobe)
                .put("engine", side(e)).put("direct", side(d)).put("qps_ratio", ratio)
                .put("p50_ratio", (double) d.latency().getValueAtPercentile(50) / e.latency().getValueAtPercentile(50));
        if (withSelector) {
            Side b = results.get(2);
            line.append(String.format(Locale.ROOT, " | %8.0f %8.1f | %6.3f", b.qps(), us(b.latency(), 50),
                    e.qps() / b.qps()));
            json.put("direct_with_bitmap", side(b)).put("qps_ratio_vs_direct_with_bitmap", e.qps() / b.qps());
        }
        if (meets) {
            line.append("  <- first with recall@").append(k).append(" >= ").append(RECALL_GOAL);
        }
        out.println(line);
        if (!plans.keySet().equals(Set.of(exact ? "exact-scan" : "index"))) {
            out.printf(Locale.ROOT, "    engine plans: %s%n", plans);
        }
        return json.put("meets_recall_goal", meets).put("engine_plans", plansJson(plans));
    }

    static void printHeader(PrintStream out, int k, boolean withSelector) {
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT,
                "  %-12s %8s %7s %8s %8s %8s | %8s %7s %8s %8s %8s | %6s", "nprobe", "eng qps", "r@" + k, "p50 us",
                "p99", "p99.9", "dir qps", "r@" + k, "p50 us", "p99", "p99.9", "e/d"));
        if (withSelector) {
            h.append(String.format(Locale.ROOT, " | %8s %8s | %6s", "d+bm qps", "p50 us", "e/d+bm"));
        }
        out.println(h);
    }

    /** One side being measured: its searcher, the answers of its first round, its latencies and time. */
    private record Measured(String name, Searcher searcher, Answers answers, Histogram latency, long[] nanos) {
        Measured(String name, Searcher searcher, int nq, int k) {
            this(name, searcher, Answers.of(nq, k), Latencies.newHistogram(), new long[1]);
        }
    }

    private static Searcher directSearcher(VectorIndex direct, MemorySegment[] nativeQueries, int k,
                                           SearchParams params, Arena arena) {
        MemorySegment outIds = arena.allocate(ValueLayout.JAVA_LONG, k);
        MemorySegment outDist = arena.allocate(ValueLayout.JAVA_FLOAT, k);
        return (q, a) -> {
            direct.search(nativeQueries[q], k, params, outIds, outDist);
            for (int i = 0; i < k; i++) {
                a.ids()[q][i] = outIds.getAtIndex(ValueLayout.JAVA_LONG, i);
                a.distances()[q][i] = (float) Math.sqrt(outDist.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            }
        };
    }

    private static long pass(Searcher searcher, int nq, Answers answers, Histogram latency) {
        long started = System.nanoTime();
        for (int q = 0; q < nq; q++) {
            long t0 = System.nanoTime();
            searcher.search(q, answers);
            latency.recordValue(System.nanoTime() - t0);
        }
        return System.nanoTime() - started;
    }

    private static double recall(Answers a, Dataset ds, int k) {
        long hits = 0;
        for (int q = 0; q < a.ids().length; q++) {
            float[] truthDist = ds.groundTruthDistances() == null ? null : ds.groundTruthDistances()[q];
            hits += Recall.hits(a.ids()[q], a.distances()[q], ds.groundTruth()[q], truthDist, k, TIE_TOLERANCE);
        }
        return hits / (double) ((long) a.ids().length * k);
    }

    private static JsonLine side(Side s) {
        return new JsonLine().put("qps", s.qps()).put("recall", s.recall()).put("latency", Latencies.summary(
                s.latency(), "us"));
    }

    private static JsonLine plansJson(Map<String, Integer> plans) {
        JsonLine j = new JsonLine();
        plans.forEach(j::put);
        return j;
    }

    private static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }
}
