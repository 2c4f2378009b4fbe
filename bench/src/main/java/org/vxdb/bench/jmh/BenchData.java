package org.vxdb.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Seeded synthetic vectors for the JMH benchmarks, written straight into native memory so that
 * every engine (pure Java, FAISS, the C baseline) reads the same bytes.
 */
final class BenchData {

    /** Seed of the base vectors; queries use their own seeds, so they are not copies of base rows. */
    static final long BASE_SEED = 42;
    static final long QUERY_SEED = 4242;

    private BenchData() {
    }

    /** {@code n} rows of {@code dim} floats, uniform in [-1, 1), 64-byte aligned. */
    static MemorySegment uniform(Arena arena, int n, int dim, long seed) {
        MemorySegment rows = arena.allocate((long) n * dim * Float.BYTES, 64);
        SplittableRandom random = new SplittableRandom(seed);
        long floats = (long) n * dim;
        for (long i = 0; i < floats; i++) {
            rows.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextDouble() * 2 - 1));
        }
        return rows;
    }

    /**
     * {@code n} rows drawn from a mixture of {@code clusters} Gaussians: centres uniform in [-1, 1),
     * spread {@code sigma} per component. Rows and queries drawn with the same {@code centreSeed}
     * share the centres.
     */
    static MemorySegment clustered(Arena arena, int n, int dim, int clusters, double sigma, long centreSeed,
                                   long seed) {
        float[][] centres = new float[clusters][dim];
        SplittableRandom centreRandom = new SplittableRandom(centreSeed);
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = (float) (centreRandom.nextDouble() * 2 - 1);
            }
        }
        MemorySegment rows = arena.allocate((long) n * dim * Float.BYTES, 64);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            float[] c = centres[random.nextInt(clusters)];
            long base = (long) i * dim;
            for (int j = 0; j < dim; j++) {
                rows.setAtIndex(ValueLayout.JAVA_FLOAT, base + j, (float) (c[j] + sigma * random.nextGaussian()));
            }
        }
        return rows;
    }

    /** Ids 0..n-1. */
    static MemorySegment sequentialIds(Arena arena, int n) {
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, n);
        for (int i = 0; i < n; i++) {
            ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        }
        return ids;
    }

    /** Row {@code i} of {@code rows} as its own slice, one per query so a benchmark cycles through them. */
    static MemorySegment[] slices(MemorySegment rows, int n, int dim) {
        long rowBytes = (long) dim * Float.BYTES;
        MemorySegment[] out = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            out[i] = rows.asSlice(i * rowBytes, rowBytes);
        }
        return out;
    }
}
