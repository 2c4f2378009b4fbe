package org.vxdb.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vxdb.index.ApproximateFallback;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.SearchResults;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;

/**
 * One query (k = 10, L2) against FAISS {@code IVF1024,Flat} at nprobe 1, 4, 16 and 64, and against
 * FAISS flat over the same vectors as the same-run baseline. Single-threaded.
 *
 * <p>Data: 100,000 x 128 float32 drawn from a mixture of 256 Gaussians (centres uniform in
 * [-1, 1), sigma 0.3 per component), seeded; 64 queries from the same mixture, cycled. Each IVF
 * fork trains the quantizer on all 100,000 vectors (k-means; this is setup, not measured) and
 * prints its recall@10 against exact search, so each latency has its accuracy beside it.
 *
 * <pre>./vxdb jmh IvfSearchBenchmark -rf json -rff target/ivf.json</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "--sun-misc-unsafe-memory-access=allow"})
public class IvfSearchBenchmark {

    static final int N = 100_000;
    static final int DIM = 128;
    static final int K = 10;
    static final int QUERIES = 64;
    static final int NLIST = 1024;
    static final int CLUSTERS = 256;
    static final double SIGMA = 0.3;
    static final long CENTRE_SEED = 7;

    static MemorySegment base(Arena arena) {
        return BenchData.clustered(arena, N, DIM, CLUSTERS, SIGMA, CENTRE_SEED, BenchData.BASE_SEED);
    }

    static MemorySegment queries(Arena arena) {
        return BenchData.clustered(arena, QUERIES, DIM, CLUSTERS, SIGMA, CENTRE_SEED, BenchData.QUERY_SEED);
    }

    static VectorIndexProvider faiss() {
        VectorIndexProvider provider = VectorIndexProviders.choose("faiss", ApproximateFallback.FAIL);
        provider.setThreads(1);
        return provider;
    }

    /** The queries, result buffers, and a cursor that cycles through the queries. */
    @State(Scope.Thread)
    public static class Queries {
        MemorySegment all;
        MemorySegment[] rows;
        MemorySegment ids;
        MemorySegment distances;
        private Arena arena;
        private int next;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            all = queries(arena);
            rows = BenchData.slices(all, QUERIES, DIM);
            ids = arena.allocate(ValueLayout.JAVA_LONG, K);
            distances = arena.allocate(ValueLayout.JAVA_FLOAT, K);
        }

        MemorySegment nextQuery() {
            int q = next;
            next = (q + 1) & (QUERIES - 1);
            return rows[q];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Ivf {
        @Param({"1", "4", "16", "64"})
        public int nprobe;

        VectorIndex index;
        SearchParams params;

        @Setup(Level.Trial)
        public void setUp() {
            VectorIndexProvider provider = faiss();
            index = provider.create(IndexSpec.parse("IVF" + NLIST + ",Flat", DIM, Metric.L2));
            params = SearchParams.nprobe(nprobe);
            try (Arena build = Arena.ofConfined(); VectorIndex exact = provider.create(IndexSpec.flat(DIM, Metric.L2))) {
                MemorySegment base = base(build);
                MemorySegment ids = BenchData.sequentialIds(build, N);
                long t0 = System.nanoTime();
                index.train(base);
                long t1 = System.nanoTime();
                index.add(ids, base);
                exact.add(ids, base);
                MemorySegment queries = queries(build);
                SearchResults approx = index.search(queries, K, params, build);
                SearchResults truth = exact.search(queries, K, SearchParams.DEFAULT, build);
                System.out.printf(Locale.ROOT, "# IVF%d,Flat trained in %.1f s; nprobe=%d recall@10=%.4f over %d queries%n",
                        NLIST, (t1 - t0) / 1e9, nprobe, recall(approx, truth), QUERIES);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            index.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Flat {
        VectorIndex index;

        @Setup(Level.Trial)
        public void setUp() {
            index = faiss().create(IndexSpec.flat(DIM, Metric.L2));
            try (Arena build = Arena.ofConfined()) {
                index.add(BenchData.sequentialIds(build, N), base(build));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            index.close();
        }
    }

    /** Fraction of the exact top-k ids that the approximate search also returned. */
    static double recall(SearchResults approx, SearchResults truth) {
        long hits = 0;
        for (int q = 0; q < truth.queries(); q++) {
            long[] found = approx.idsOf(q);
            for (long want : truth.idsOf(q)) {
                for (long id : found) {
                    if (id == want) {
                        hits++;
                        break;
                    }
                }
            }
        }
        return hits / (double) ((long) truth.queries() * truth.k());
    }

    @Benchmark
    public float ivfFlat(Ivf ivf, Queries q) {
        ivf.index.search(q.nextQuery(), K, ivf.params, q.ids, q.distances);
        return q.distances.get(ValueLayout.JAVA_FLOAT, 0);
    }

    @Benchmark
    public float faissFlat(Flat flat, Queries q) {
        flat.index.search(q.nextQuery(), K, SearchParams.DEFAULT, q.ids, q.distances);
        return q.distances.get(ValueLayout.JAVA_FLOAT, 0);
    }
}
