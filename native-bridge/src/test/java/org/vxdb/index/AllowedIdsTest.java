package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Searches restricted to an allowed-id bitmap return exactly the best allowed rows. */
class AllowedIdsTest {

    private static final int DIM = 12;
    private static final int N = 3000;

    private static MemorySegment everyThird(Arena arena, long maxId) {
        MemorySegment bitmap = arena.allocate((maxId + 8) / 8);
        for (long id = 0; id <= maxId; id += 3) {
            bitmap.set(ValueLayout.JAVA_BYTE, id >>> 3,
                    (byte) (bitmap.get(ValueLayout.JAVA_BYTE, id >>> 3) | (1 << (id & 7))));
        }
        return bitmap;
    }

    /** Brute-force top-k among ids divisible by 3. */
    private static long[] expected(float[] base, long[] ids, float[] q, int k) {
        return IntStream.range(0, N).filter(i -> ids[i] % 3 == 0).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> l2(base, i, q)).thenComparingLong(i -> ids[i]))
                .limit(k).mapToLong(i -> ids[i]).toArray();
    }

    private static double l2(float[] base, int row, float[] q) {
        double s = 0;
        for (int j = 0; j < DIM; j++) {
            double d = base[row * DIM + j] - q[j];
            s += d * d;
        }
        return s;
    }

    @ParameterizedTest(name = "id offset {0}")
    @ValueSource(longs = {0, 5})
    void shouldReturnOnlyAllowedIdsInExactOrder(long offset) {
        float[] base = TestData.randomFloats(N * DIM, 21);
        long[] ids = new long[N];
        Arrays.setAll(ids, i -> offset == 0 ? i : (N - 1 - i) * 2 + offset); // identity, then shuffled ids
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.flat(DIM, Metric.L2))) {
            index.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            MemorySegment allowed = everyThird(arena, Arrays.stream(ids).max().orElseThrow());
            for (int t = 0; t < 5; t++) {
                float[] q = TestData.randomFloats(DIM, 100 + t);
                SearchResults r = index.search(MemorySegment.ofArray(q), 10,
                        SearchParams.DEFAULT.withAllowedIds(allowed), arena);
                assertArrayEquals(expected(base, ids, q, 10), r.idsOf(0), "query " + t);
            }
        }
    }

    @Test
    void shouldReturnFewerWhenFewerAreAllowed() {
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.flat(2, Metric.L2))) {
            index.add(TestData.longs(arena, 0, 1, 2, 3), TestData.floats(arena, 0, 0, 1, 1, 2, 2, 3, 3));
            MemorySegment onlyTwo = arena.allocate(1);
            onlyTwo.set(ValueLayout.JAVA_BYTE, 0, (byte) 0b0100);
            SearchResults r = index.search(TestData.floats(arena, 0, 0), 3, SearchParams.DEFAULT.withAllowedIds(onlyTwo),
                    arena);
            assertEquals(1, r.found(0));
            assertEquals(2, r.id(0, 0));
            assertEquals("allowed-ids bitmap is empty: nothing could match", assertThrows(IllegalArgumentException.class,
                    () -> index.search(TestData.floats(arena, 0, 0), 3,
                            SearchParams.DEFAULT.withAllowedIds(MemorySegment.ofArray(new byte[0])), arena)).getMessage());
        }
    }

    @Tag("faiss")
    @ParameterizedTest
    @ValueSource(strings = {"IVF16,Flat", "IVF16,SQ8", "HNSW16,Flat"})
    void shouldFilterInsideFaissApproximateIndexes(String description) {
        float[] base = TestData.randomFloats(N * DIM, 22);
        long[] ids = new long[N];
        Arrays.setAll(ids, i -> i);
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.parse(description, DIM, Metric.L2))) {
            index.train(MemorySegment.ofArray(base));
            index.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
            MemorySegment allowed = everyThird(arena, N);
            SearchParams p = description.startsWith("IVF") ? SearchParams.nprobe(16) : SearchParams.efSearch(400);
            int exact = 0;
            for (int t = 0; t < 10; t++) {
                float[] q = TestData.randomFloats(DIM, 200 + t);
                SearchResults r = index.search(MemorySegment.ofArray(q), 10, p.withAllowedIds(allowed), arena);
                assertEquals(10, r.found(0));
                for (long id : r.idsOf(0)) {
                    assertEquals(0, id % 3, description + " returned a filtered-out id " + id);
                }
                if (Arrays.equals(expected(base, ids, q, 10), r.idsOf(0))) {
                    exact++;
                }
            }
            assertTrue(exact >= (description.equals("IVF16,Flat") ? 10 : 5), description + ": " + exact + "/10 exact");
        }
    }
}
