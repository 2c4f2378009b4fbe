package org.vxdb.index.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.SearchResults;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.spi.IndexFiles;

/** The pure-Java index against a brute-force reference in double precision, across chunk boundaries. */
class LinearIndexTest {

    @TempDir
    Path dir;

    /** Large rows make chunks of a few rows, so every path crosses chunk boundaries. */
    private static final int DIM = 40_000;

    private static float[] rows(int n, int dim, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static double reference(Metric metric, float[] base, int row, float[] q) {
        int d = q.length;
        double dot = 0;
        double l2 = 0;
        double nb = 0;
        double nq = 0;
        for (int i = 0; i < d; i++) {
            double x = base[row * d + i];
            dot += x * q[i];
            l2 += (x - q[i]) * (x - q[i]);
            nb += x * x;
            nq += (double) q[i] * q[i];
        }
        return switch (metric) {
            case L2 -> l2;
            case INNER_PRODUCT -> -dot;
            case COSINE -> 1 - dot / Math.sqrt(nb * nq);
        };
    }

    /** Equal up to float rounding (relative 1e-5): summation order may differ between kernels and JIT tiers. */
    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "index " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void shouldMatchBruteForceAcrossChunks(Metric metric) {
        int n = 300; // 40_000-d rows: 26 per 4 MB chunk, so 12 chunks
        float[] base = rows(n, DIM, 1);
        float[] q = rows(1, DIM, 2);
        try (Arena arena = Arena.ofConfined(); LinearIndex index = new LinearIndex(IndexSpec.flat(DIM, metric))) {
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = 7 * i;
            }
            index.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            SearchResults r = index.search(MemorySegment.ofArray(q), 10, SearchParams.DEFAULT, arena);
            Integer[] order = new Integer[n];
            double[] ref = new double[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
                ref[i] = reference(metric, base, i, q);
            }
            Arrays.sort(order, (a, b) -> Double.compare(ref[a], ref[b]));
            for (int rank = 0; rank < 10; rank++) {
                assertEquals(7L * order[rank], r.id(0, rank), "rank " + rank);
                assertEquals(ref[order[rank]], r.distance(0, rank), 1e-3 * Math.max(1, Math.abs(ref[order[rank]])));
            }
        }
    }

    @Test
    void shouldRemoveByIdAcrossChunksAndKeepTheRest() {
        int n = 100;
        float[] base = rows(n, DIM, 3);
        try (Arena arena = Arena.ofConfined(); LinearIndex index = new LinearIndex(IndexSpec.flat(DIM, Metric.L2))) {
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = i;
            }
            index.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            long[] doomed = {0, 5, 26, 27, 52, 99, 500};
            assertEquals(6, index.remove(MemorySegment.ofArray(doomed)));
            assertEquals(94, index.count());
            for (int row = 0; row < n; row++) {
                float[] q = Arrays.copyOfRange(base, row * DIM, (row + 1) * DIM);
                SearchResults r = index.search(MemorySegment.ofArray(q), 1, SearchParams.DEFAULT, arena);
                long id = ids[row];
                boolean removed = Arrays.stream(doomed).anyMatch(x -> x == id);
                if (removed) {
                    assertTrue(r.id(0, 0) != row, "removed row " + row + " still found");
                } else {
                    assertEquals(row, r.id(0, 0));
                    assertEquals(0f, r.distance(0, 0));
                }
            }
        }
    }

    @Test
    void shouldKeepDuplicateIdsAsSeparateEntriesAndRemoveThemAll() {
        try (Arena arena = Arena.ofConfined(); LinearIndex index = new LinearIndex(IndexSpec.flat(2, Metric.L2))) {
            index.add(MemorySegment.ofArray(new long[] {1, 1, 2}), MemorySegment.ofArray(new float[] {0, 0, 1, 1, 2, 2}));
            assertEquals(3, index.count());
            assertEquals(2, index.remove(MemorySegment.ofArray(new long[] {1})));
            SearchResults r = index.search(MemorySegment.ofArray(new float[] {0, 0}), 3, SearchParams.DEFAULT, arena);
            assertEquals(2, r.id(0, 0));
            assertEquals(1, r.found(0));
        }
    }

    @Test
    void shouldBreakDistanceTiesByLowerId() {
        try (Arena arena = Arena.ofConfined(); LinearIndex index = new LinearIndex(IndexSpec.flat(1, Metric.L2))) {
            index.add(MemorySegment.ofArray(new long[] {9, 3, 5, 1}), MemorySegment.ofArray(new float[] {1, -1, 1, 2}));
            SearchResults r = index.search(MemorySegment.ofArray(new float[] {0}), 3, SearchParams.DEFAULT, arena);
            assertArrayEquals(new long[] {3, 5, 9}, r.idsOf(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void shouldRoundTripThroughAFile(Metric metric) {
        int n = 60;
        float[] base = rows(n, DIM, 4);
        float[] q = rows(2, DIM, 5);
        Path file = dir.resolve("linear-" + metric + ".vxi");
        try (Arena arena = Arena.ofConfined(); LinearIndex index = new LinearIndex(IndexSpec.flat(DIM, metric))) {
            long[] ids = new long[n];
            Arrays.setAll(ids, i -> 1000L - i);
            index.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            SearchResults before = index.search(MemorySegment.ofArray(q), 5, SearchParams.DEFAULT, arena);
            index.save(file);
            IndexFiles.Header header = IndexFiles.read(file);
            assertEquals(n, header.count());
            try (VectorIndex loaded = LinearIndex.load(file, header, Kernels.best(), false)) {
                assertEquals(n, loaded.count());
                SearchResults after = loaded.search(MemorySegment.ofArray(q), 5, SearchParams.DEFAULT, arena);
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(before.idsOf(i), after.idsOf(i));
                    // Vector API lane reductions may sum in a different order once C2 compiles them.
                    assertClose(before.distancesOf(i), after.distancesOf(i));
                }
            }
        }
    }

    @Test
    void shouldGiveTheSameAnswersWithScalarAndVectorKernels() {
        int dim = 131;
        int n = 2000;
        float[] base = rows(n, dim, 6);
        float[] q = rows(3, dim, 7);
        try (Arena arena = Arena.ofConfined();
             LinearIndex scalar = new LinearIndex(IndexSpec.flat(dim, Metric.L2), Kernels.scalar(), false);
             LinearIndex vector = new LinearIndex(IndexSpec.flat(dim, Metric.L2), Kernels.panama(), false)) {
            long[] ids = new long[n];
            Arrays.setAll(ids, i -> i);
            scalar.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            vector.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            SearchResults a = scalar.search(MemorySegment.ofArray(q), 20, SearchParams.DEFAULT, arena);
            SearchResults b = vector.search(MemorySegment.ofArray(q), 20, SearchParams.DEFAULT, arena);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(a.idsOf(i), b.idsOf(i));
                assertClose(a.distancesOf(i), b.distancesOf(i));
            }
            assertEquals(a.ids().byteSize(), b.ids().byteSize());
            assertEquals(20, a.ids().toArray(ValueLayout.JAVA_LONG).length / 3);
        }
    }
}
