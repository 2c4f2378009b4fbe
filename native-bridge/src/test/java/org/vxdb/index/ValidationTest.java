package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad argument gets an exception with a clear message, checked before any native call. */
class ValidationTest {

    private Arena arena;
    private VectorIndex index;

    @BeforeEach
    void open() {
        arena = Arena.ofConfined();
        index = TestData.provider().create(IndexSpec.flat(4, Metric.L2));
        index.add(TestData.longs(arena, 1, 2), TestData.floats(arena, 1, 2, 3, 4, 5, 6, 7, 8));
    }

    @AfterEach
    void close() {
        index.close();
        arena.close();
    }

    private String message(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call) {
        return assertThrows(type, call).getMessage();
    }

    @Test
    void shouldRejectVectorsOfTheWrongDimension() {
        assertEquals("vectors segment holds 12 bytes but 1 ids need 1 x 4-d float32 = 16 bytes",
                message(IllegalArgumentException.class,
                        () -> index.add(TestData.longs(arena, 9), TestData.floats(arena, 1, 2, 3))));
        assertEquals("queries segment holds 20 bytes, not a whole number of 4-d float32 vectors (16 bytes each)",
                message(IllegalArgumentException.class, () -> index.search(TestData.floats(arena, 1, 2, 3, 4, 5), 1,
                        SearchParams.DEFAULT, arena)));
        assertEquals(2, index.count());
    }

    @Test
    void shouldRejectShortVectorSegments() {
        assertEquals("vectors segment holds 16 bytes but 2 ids need 2 x 4-d float32 = 32 bytes",
                message(IllegalArgumentException.class,
                        () -> index.add(TestData.longs(arena, 9, 10), TestData.floats(arena, 1, 2, 3, 4))));
        assertEquals("training segment holds 6 bytes, not a whole number of 4-d float32 vectors (16 bytes each)",
                message(IllegalArgumentException.class, () -> index.train(arena.allocate(6, 4))));
    }

    @Test
    void shouldRejectNanAndInfinityWithoutAddingAnything() {
        assertEquals("added vector 1 has a non-finite component 2 (NaN)",
                message(IllegalArgumentException.class, () -> index.add(TestData.longs(arena, 9, 10),
                        TestData.floats(arena, 1, 1, 1, 1, 1, 1, Float.NaN, 1))));
        assertEquals("added vector 0 has a non-finite component 3 (Infinity)",
                message(IllegalArgumentException.class, () -> index.add(TestData.longs(arena, 9),
                        TestData.floats(arena, 1, 1, 1, Float.POSITIVE_INFINITY))));
        assertEquals("query vector 0 has a non-finite component 0 (-Infinity)",
                message(IllegalArgumentException.class, () -> index.search(
                        TestData.floats(arena, Float.NEGATIVE_INFINITY, 0, 0, 0), 1, SearchParams.DEFAULT, arena)));
        assertEquals(2, index.count());
    }

    @Test
    void shouldRejectBadK() {
        MemorySegment q = TestData.floats(arena, 1, 2, 3, 4);
        assertEquals("k must be between 1 and 100000, got 0",
                message(IllegalArgumentException.class, () -> index.search(q, 0, SearchParams.DEFAULT, arena)));
        assertEquals("k must be between 1 and 100000, got -3",
                message(IllegalArgumentException.class, () -> index.search(q, -3, SearchParams.DEFAULT, arena)));
        assertEquals("k must be between 1 and 100000, got 100001",
                message(IllegalArgumentException.class, () -> index.search(q, 100_001, SearchParams.DEFAULT, arena)));
    }

    @Test
    void shouldRejectEmptyAndRaggedIds() {
        assertEquals("ids segment is empty", message(IllegalArgumentException.class,
                () -> index.add(MemorySegment.ofArray(new long[0]), MemorySegment.ofArray(new float[0]))));
        assertEquals("ids segment holds 12 bytes, not a whole number of int64 ids",
                message(IllegalArgumentException.class, () -> index.remove(arena.allocate(12, 8))));
        assertEquals("queries segment is empty", message(IllegalArgumentException.class,
                () -> index.search(MemorySegment.ofArray(new float[0]), 1, SearchParams.DEFAULT, arena)));
    }

    @Test
    void shouldRejectOutputSegmentsOfTheWrongSize() {
        MemorySegment q = TestData.floats(arena, 1, 2, 3, 4);
        assertEquals("ids output segment holds 8 bytes; nq x k = 2 results need 16 bytes",
                message(IllegalArgumentException.class, () -> index.search(q, 2, SearchParams.DEFAULT,
                        arena.allocate(ValueLayout.JAVA_LONG, 1), arena.allocate(ValueLayout.JAVA_FLOAT, 2))));
        assertEquals("distances output segment holds 4 bytes; nq x k = 2 results need 8 bytes",
                message(IllegalArgumentException.class, () -> index.search(q, 2, SearchParams.DEFAULT,
                        arena.allocate(ValueLayout.JAVA_LONG, 2), arena.allocate(ValueLayout.JAVA_FLOAT, 1))));
    }

    @Test
    void shouldRejectMisalignedNativeSegments() {
        MemorySegment misaligned = arena.allocate(17, 64).asSlice(1);
        String msg = message(IllegalArgumentException.class,
                () -> index.search(misaligned, 1, SearchParams.DEFAULT, arena));
        assertEquals("queries segment at address 0x" + Long.toHexString(misaligned.address()) + " is not 4-byte aligned",
                msg);
    }

    @Test
    void shouldRejectSegmentsOfAClosedArenaOrAnotherThread() throws Exception {
        Arena gone = Arena.ofConfined();
        MemorySegment query = TestData.floats(gone, 1, 2, 3, 4);
        MemorySegment outIds = gone.allocate(ValueLayout.JAVA_LONG, 1);
        MemorySegment outDistances = gone.allocate(ValueLayout.JAVA_FLOAT, 1);
        gone.close();
        assertEquals("queries segment's arena is already closed", message(IllegalArgumentException.class,
                () -> index.search(query, 1, SearchParams.DEFAULT, arena)));
        MemorySegment liveQuery = TestData.floats(arena, 1, 2, 3, 4);
        assertEquals("ids output segment's arena is already closed", message(IllegalArgumentException.class,
                () -> index.search(liveQuery, 1, SearchParams.DEFAULT, outIds, outDistances)));
        Thread other = new Thread(() -> assertEquals("queries segment is confined to another thread",
                message(IllegalArgumentException.class, () -> index.search(liveQuery, 1, SearchParams.DEFAULT,
                        MemorySegment.ofArray(new long[1]), MemorySegment.ofArray(new float[1])))));
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        other.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        other.start();
        other.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void shouldAcceptHeapSegments() {
        SearchResults r = index.search(MemorySegment.ofArray(new float[] {5, 6, 7, 8}), 1, SearchParams.DEFAULT, arena);
        assertEquals(2, r.id(0, 0));
        assertEquals(0f, r.distance(0, 0));
    }

    @Test
    void shouldCloseOnceAndRefuseUseAfterClose() {
        index.close();
        assertDoesNotThrow(index::close);
        assertEquals("Flat index is closed", message(IllegalStateException.class, index::count));
        assertEquals("Flat index is closed", message(IllegalStateException.class,
                () -> index.search(TestData.floats(arena, 1, 2, 3, 4), 1, SearchParams.DEFAULT, arena)));
        assertEquals("Flat index is closed", message(IllegalStateException.class,
                () -> index.add(TestData.longs(arena, 3), TestData.floats(arena, 1, 2, 3, 4))));
        assertEquals("Flat index is closed", message(IllegalStateException.class, index::reset));
    }

    @Test
    void shouldRemoveAndResetByIds() {
        assertEquals(1, index.remove(TestData.longs(arena, 1, 77)));
        assertEquals(1, index.count());
        SearchResults r = index.search(TestData.floats(arena, 1, 2, 3, 4), 2, SearchParams.DEFAULT, arena);
        assertEquals(2, r.id(0, 0));
        assertEquals(1, r.found(0));
        index.reset();
        assertEquals(0, index.count());
    }

    @Test
    void shouldRejectBadSpecs() {
        assertEquals("unsupported index description 'IVFx,Flat': expected Flat, IVF{nlist},Flat, IVF{nlist},SQ8, "
                        + "IVF{nlist},PQ{m} or HNSW{M},Flat",
                message(IllegalArgumentException.class, () -> IndexSpec.parse("IVFx,Flat", 8, Metric.L2)));
        assertEquals("PQ3 needs m >= 1 dividing the dimension 8 evenly",
                message(IllegalArgumentException.class, () -> IndexSpec.parse("IVF4,PQ3", 8, Metric.L2)));
        assertEquals("dimension must be between 1 and 65536, got 0",
                message(IllegalArgumentException.class, () -> IndexSpec.parse("Flat", 0, Metric.L2)));
        assertEquals("nlist must be between 1 and 1048576, got 0",
                message(IllegalArgumentException.class, () -> IndexSpec.parse("IVF0,Flat", 8, Metric.L2)));
        assertEquals("HNSW M must be between 2 and 512, got 1",
                message(IllegalArgumentException.class, () -> IndexSpec.parse("HNSW1,Flat", 8, Metric.L2)));
        assertEquals("unknown metric 'hamming': expected l2, inner_product or cosine",
                message(IllegalArgumentException.class, () -> Metric.parse("hamming")));
        assertEquals("nprobe must be between 1 and 1048576 (or 0 for the index default), got -1",
                message(IllegalArgumentException.class, () -> SearchParams.nprobe(-1)));
        assertEquals("efSearch must be between 1 and 100000 (or 0 for the index default), got -2",
                message(IllegalArgumentException.class, () -> SearchParams.efSearch(-2)));
        assertEquals("efSearch must be between 1 and 100000 (or 0 for the index default), got 100001",
                message(IllegalArgumentException.class, () -> SearchParams.efSearch(100_001)));
    }

    @Test
    void shouldParseEverySupportedDescription() {
        assertEquals("IVF256,PQ16", IndexSpec.parse("IVF256,PQ16", 128, Metric.L2).description());
        assertEquals("IVF64,SQ8", IndexSpec.parse(" IVF64,SQ8 ", 128, Metric.L2).description());
        assertEquals("HNSW32,Flat", IndexSpec.parse("HNSW32", 128, Metric.COSINE).description());
        assertEquals(IndexType.IVF_FLAT, IndexSpec.parse("IVF8,Flat", 4, Metric.L2).type());
    }
}
