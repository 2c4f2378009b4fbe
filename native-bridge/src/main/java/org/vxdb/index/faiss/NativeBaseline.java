package org.vxdb.index.faiss;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.faiss.bridge.FaissNative;
import org.vxdb.index.faiss.bridge.SegmentPointers;

/**
 * Benchmark baselines written in C and compiled into VxDB's FAISS JNI library, reachable from
 * modules outside the import fence. Not for serving: JMH (bench/) measures the pure-Java scan
 * against these.
 *
 * <p>Every argument is checked here before the native call: a bad one is an
 * {@link IllegalArgumentException}, a missing library or CPU feature an
 * {@link IllegalStateException}, never a crashed JVM. The caller keeps the segments' arenas open
 * for the duration of the call.
 */
public final class NativeBaseline {

    private NativeBaseline() {
    }

    /**
     * The smallest squared L2 distance from {@code query} to the {@code n} rows of {@code d} float32
     * each that start at offset 0 of {@code rows}, computed by a plain C loop with AVX2 + FMA
     * intrinsics and four accumulators ({@code vxdb_bench_min_l2_avx2} in {@code vxdb_faiss.h}).
     *
     * @param rows  native segment of at least {@code n * d} floats, little-endian, row after row
     * @param n     number of rows, at least 1
     * @param d     dimension, 1 to {@link IndexSpec#MAX_DIMENSION}
     * @param query native segment of at least {@code d} floats
     */
    public static float minSquaredL2Avx2(MemorySegment rows, long n, int d, MemorySegment query) {
        requireLibrary();
        if (d < 1 || d > IndexSpec.MAX_DIMENSION) {
            throw new IllegalArgumentException("dimension must be between 1 and " + IndexSpec.MAX_DIMENSION + ", got "
                    + d);
        }
        if (n < 1) {
            throw new IllegalArgumentException("row count must be >= 1, got " + n);
        }
        long rowBytes = (long) d * Float.BYTES;
        if (n > Long.MAX_VALUE / rowBytes) {
            throw new IllegalArgumentException(n + " rows of " + d + " floats overflow a byte count");
        }
        requireNative(rows, n * rowBytes, "rows", n + " x " + d + " floats");
        requireNative(query, rowBytes, "query", d + " floats");
        return FaissNative.vxdb_bench_min_l2_avx2(SegmentPointers.floats(rows), n, d, SegmentPointers.floats(query));
    }

    private static void requireLibrary() {
        String failure = FaissProvider.loadFailure();
        if (failure != null) {
            throw new IllegalStateException("the C baseline lives in the FAISS JNI library, which did not load: "
                    + failure);
        }
        String cpu = CpuFeatures.MISSING;
        if (cpu != null) {
            throw new IllegalStateException("the C AVX2 baseline cannot run on this CPU: " + cpu);
        }
    }

    private static void requireNative(MemorySegment segment, long bytes, String what, String need) {
        if (segment == null) {
            throw new IllegalArgumentException(what + " segment is null");
        }
        if (!segment.isNative()) {
            throw new IllegalArgumentException(what + " segment is on the heap; the C baseline needs native memory");
        }
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " segment holds " + segment.byteSize() + " bytes; " + need
                    + " need " + bytes);
        }
        if (segment.address() % Float.BYTES != 0) {
            throw new IllegalArgumentException(what + " segment at address 0x" + Long.toHexString(segment.address())
                    + " is not 4-byte aligned");
        }
    }

    /** Whether the CPU has AVX2 and FMA (executing the baseline without them would kill the JVM). */
    private static final class CpuFeatures {
        /** Null when AVX2 and FMA are present, else what is missing. */
        static final String MISSING = check();

        private static String check() {
            String arch = System.getProperty("os.arch", "");
            if (!arch.equals("amd64") && !arch.equals("x86_64")) {
                return "os.arch is " + arch + ", not x86_64";
            }
            Path cpuinfo = Path.of("/proc/cpuinfo");
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("flags")) {
                        List<String> flags = Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                        if (flags.contains("avx2") && flags.contains("fma")) {
                            return null;
                        }
                        return "the CPU flags in " + cpuinfo + " lack avx2 or fma";
                    }
                }
                return cpuinfo + " has no flags line";
            } catch (IOException e) {
                return "cannot read " + cpuinfo + " to check for avx2 and fma: " + e;
            }
        }
    }
}
