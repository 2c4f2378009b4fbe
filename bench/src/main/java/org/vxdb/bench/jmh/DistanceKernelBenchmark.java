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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.kernel.VectorKernels;

/**
 * One query-to-row distance, scalar loops against the Vector API, at the dimensions VxDB meets
 * (25 GloVe, 128 SIFT, 768 text embeddings, 784 MNIST) and at odd sizes that exercise the tails
 * (131; 25 is odd too). The query is a heap array as in {@code LinearIndex}; the row sits in an
 * Arena-allocated native segment, 64-byte aligned. Both stay in L1, so this measures arithmetic,
 * not memory.
 *
 * <pre>./vxdb jmh DistanceKernelBenchmark -rf json -rff target/kernels.json</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class DistanceKernelBenchmark {

    @Param({"scalar", "panama"})
    public String kernel;

    @Param({"25", "128", "131", "768", "784"})
    public int dim;

    private VectorKernels kernels;
    private Arena arena;
    private float[] query;
    private MemorySegment row;
    /** Not final, not constant: keeps the JIT from folding the offset into the loads. */
    private long offset;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = switch (kernel) {
            case "scalar" -> Kernels.scalar();
            case "panama" -> Kernels.panama();
            default -> throw new IllegalArgumentException("kernel must be scalar or panama, got " + kernel);
        };
        arena = Arena.ofConfined();
        row = BenchData.uniform(arena, 1, dim, BenchData.BASE_SEED);
        query = BenchData.uniform(arena, 1, dim, BenchData.QUERY_SEED).toArray(ValueLayout.JAVA_FLOAT);
        offset = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float squaredL2() {
        return kernels.squaredL2(query, row, offset);
    }

    @Benchmark
    public float dot() {
        return kernels.dot(query, row, offset);
    }
}
