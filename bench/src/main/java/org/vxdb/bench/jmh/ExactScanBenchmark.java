package org.vxdb.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vxdb.index.ApproximateFallback;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.index.faiss.NativeBaseline;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.kernel.VectorKernels;

/**
 * One exact query (k = 10, L2) over 100,000 x 128 seeded uniform float32 vectors: 51.2 MB, more
 * than the 32 MB L3, so every scan streams from DRAM. Single-threaded throughout. The benchmarks
 * cycle through 64 queries.
 *
 * <ul>
 *   <li>{@code javaLinear}: {@code LinearIndex} from the java provider (Vector API kernels, top-k).
 *   <li>{@code faissFlat}: FAISS {@code IndexFlatL2} from the faiss provider, one OpenMP thread.
 *   <li>{@code cAvx2MinScan}: the plain C AVX2+FMA loop ({@code NativeBaseline.minSquaredL2Avx2}),
 *       minimum distance only: the memory-bandwidth ceiling the Java scan is held to.
 *   <li>{@code javaKernelMinScan}: the same min-only loop in Java over the same segment, with
 *       {@code Kernels.best()}; separates kernel speed from index overhead (top-k, chunking).
 * </ul>
 *
 * <p>Effective read bandwidth = 51,200,000 bytes / time per query.
 *
 * <pre>./vxdb jmh ExactScanBenchmark -rf json -rff target/exact-scan.json</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "--sun-misc-unsafe-memory-access=allow"})
public class ExactScanBenchmark {

    static final int N = 100_000;
    static final int DIM = 128;
    static final int K = 10;
    static final int QUERIES = 64;

    /** The 64 queries, as native rows (for the indexes and C) and as heap arrays (for the kernels). */
    @State(Scope.Thread)
    public static class Queries {
        MemorySegment[] rows;
        float[][] arrays;
        private Arena arena;
        private int next;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            MemorySegment all = BenchData.uniform(arena, QUERIES, DIM, BenchData.QUERY_SEED);
            rows = BenchData.slices(all, QUERIES, DIM);
            arrays = new float[QUERIES][];
            for (int i = 0; i < QUERIES; i++) {
                arrays[i] = rows[i].toArray(ValueLayout.JAVA_FLOAT);
            }
        }

        /** Index of the next query, cycling. */
        int advance() {
            int q = next;
            next = (q + 1) & (QUERIES - 1);
            return q;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** Result buffers for one query. */
    @State(Scope.Thread)
    public static class Results {
        MemorySegment ids;
        MemorySegment distances;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            ids = arena.allocate(ValueLayout.JAVA_LONG, K);
            distances = arena.allocate(ValueLayout.JAVA_FLOAT, K);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** The base vectors as one native segment, read in place by the C and Java min-scans. */
    @State(Scope.Benchmark)
    public static class RawRows {
        MemorySegment rows;
        VectorKernels kernels;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            rows = BenchData.uniform(arena, N, DIM, BenchData.BASE_SEED);
            kernels = Kernels.best();
            System.out.println("# kernels: " + Kernels.choice().kernels().name() + " (" + Kernels.choice().reason()
                    + ")");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** A flat L2 index over the base vectors from one provider. */
    public abstract static class FlatIndex {
        VectorIndex index;

        abstract String providerName();

        @Setup(Level.Trial)
        public void setUp() {
            VectorIndexProvider provider = VectorIndexProviders.choose(providerName(), ApproximateFallback.FAIL);
            provider.setThreads(1);
            index = provider.create(IndexSpec.flat(DIM, Metric.L2));
            try (Arena build = Arena.ofConfined()) {
                index.add(BenchData.sequentialIds(build, N), BenchData.uniform(build, N, DIM, BenchData.BASE_SEED));
            }
            System.out.println("# provider: " + provider.name() + " (" + provider.reason() + "), " + index.count()
                    + " vectors");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            index.close();
        }
    }

    @State(Scope.Benchmark)
    public static class JavaFlat extends FlatIndex {
        @Override
        String providerName() {
            return "java";
        }
    }

    @State(Scope.Benchmark)
    public static class FaissFlat extends FlatIndex {
        @Override
        String providerName() {
            return "faiss";
        }
    }

    @Benchmark
    public float javaLinear(JavaFlat flat, Queries queries, Results out) {
        flat.index.search(queries.rows[queries.advance()], K, SearchParams.DEFAULT, out.ids, out.distances);
        return out.distances.get(ValueLayout.JAVA_FLOAT, 0);
    }

    @Benchmark
    public float faissFlat(FaissFlat flat, Queries queries, Results out) {
        flat.index.search(queries.rows[queries.advance()], K, SearchParams.DEFAULT, out.ids, out.distances);
        return out.distances.get(ValueLayout.JAVA_FLOAT, 0);
    }

    @Benchmark
    public float cAvx2MinScan(RawRows raw, Queries queries) {
        return NativeBaseline.minSquaredL2Avx2(raw.rows, N, DIM, queries.rows[queries.advance()]);
    }

    @Benchmark
    public float javaKernelMinScan(RawRows raw, Queries queries) {
        float[] q = queries.arrays[queries.advance()];
        VectorKernels kernels = raw.kernels;
        MemorySegment rows = raw.rows;
        long rowBytes = (long) DIM * Float.BYTES;
        float best = Float.POSITIVE_INFINITY;
        for (int r = 0; r < N; r++) {
            float d = kernels.squaredL2(q, rows, r * rowBytes);
            if (d < best) {
                best = d;
            }
        }
        return best;
    }
}
