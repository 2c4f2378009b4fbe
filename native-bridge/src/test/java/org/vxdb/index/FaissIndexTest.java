package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;

/** FAISS-only index types: IVF (Flat, SQ8, PQ) and HNSW. Runs in the FAISS execution of the suite. */
@Tag("faiss")
class FaissIndexTest {

    private static Arena arena;
    private static Dataset sift;
    private static MemorySegment ids;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        arena = Arena.ofShared();
        sift = TestData.dataset("sift-5k", arena);
        ids = TestData.sequentialIds(sift.base().count(), 0, arena);
    }

    @AfterAll
    static void release() {
        arena.close();
    }

    private static VectorIndex built(String description) {
        VectorIndex index = TestData.provider().create(IndexSpec.parse(description, 128, Metric.L2));
        index.train(sift.base().data());
        index.add(ids, sift.base().data());
        return index;
    }

    private static double recallAt10(SearchResults r) {
        long hits = 0;
        for (int q = 0; q < r.queries(); q++) {
            float[] d = GroundTruthTest.toGroundTruthUnits(r.distancesOf(q), Metric.L2);
            hits += Recall.hits(r.idsOf(q), d, sift.groundTruth()[q], sift.groundTruthDistances()[q], 10, 1e-4);
        }
        return hits / (r.queries() * 10.0);
    }

    @Test
    void shouldRunOnTheFaissProvider() {
        assertEquals("faiss", TestData.provider().name());
    }

    @Test
    void shouldEqualExactSearchWhenProbingEveryList() {
        try (VectorIndex exact = built("Flat"); VectorIndex ivf = built("IVF32,Flat")) {
            SearchResults e = exact.search(sift.queries().data(), 10, SearchParams.DEFAULT, arena);
            SearchResults a = ivf.search(sift.queries().data(), 10, SearchParams.nprobe(32), arena);
            for (int q = 0; q < e.queries(); q++) {
                assertArrayEquals(e.distancesOf(q), a.distancesOf(q), 1e-2f, "query " + q);
            }
            assertEquals(1.0, recallAt10(a));
            SearchResults onlyOne = ivf.search(sift.queries().data(), 10, SearchParams.nprobe(1), arena);
            assertTrue(recallAt10(onlyOne) < 0.9, "nprobe=1 should not be exact on 32 lists");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"IVF32,SQ8", "IVF32,PQ16"})
    void shouldApproximateWithCompressedCodes(String description) {
        try (VectorIndex index = built(description)) {
            double recall = recallAt10(index.search(sift.queries().data(), 10, SearchParams.nprobe(32), arena));
            assertTrue(recall >= 0.9, description + " recall@10 " + recall);
        }
    }

    @Test
    void shouldSearchWiderWithLargerEfSearchEvenConcurrently() throws Exception {
        try (VectorIndex hnsw = built("HNSW32,Flat")) {
            double narrow = recallAt10(hnsw.search(sift.queries().data(), 10, SearchParams.efSearch(10), arena));
            double wide = recallAt10(hnsw.search(sift.queries().data(), 10, SearchParams.efSearch(400), arena));
            assertTrue(wide >= 0.98, "efSearch=400 recall " + wide);
            assertTrue(narrow < wide, "efSearch=10 recall " + narrow + " should be below " + wide);
            // Searches with different efSearch interleave on 4 threads; each must get its own setting.
            long[] narrowIds = hnsw.search(sift.queries().data(), 10, SearchParams.efSearch(10), arena).ids()
                    .toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
            long[] wideIds = hnsw.search(sift.queries().data(), 10, SearchParams.efSearch(400), arena).ids()
                    .toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> checks = new ArrayList<>();
                for (int t = 0; t < 40; t++) {
                    int ef = t % 2 == 0 ? 10 : 400;
                    long[] expected = ef == 10 ? narrowIds : wideIds;
                    checks.add(pool.submit(() -> {
                        try (Arena local = Arena.ofConfined()) {
                            long[] got = hnsw.search(sift.queries().data(), 10, SearchParams.efSearch(ef), local).ids()
                                    .toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
                            return java.util.Arrays.equals(expected, got);
                        }
                    }));
                }
                for (Future<Boolean> f : checks) {
                    assertTrue(f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Flat", "IVF32,Flat", "IVF32,SQ8", "IVF32,PQ16", "HNSW16,Flat"})
    void shouldSearchIdenticallyAfterSaveAndLoad(String description) {
        Path file = dir.resolve("index.vxi");
        SearchParams p = description.startsWith("IVF") ? SearchParams.nprobe(8)
                : description.startsWith("HNSW") ? SearchParams.efSearch(32) : SearchParams.DEFAULT;
        try (VectorIndex index = built(description)) {
            SearchResults before = index.search(sift.queries().data(), 10, p, arena);
            index.save(file);
            try (VectorIndex loaded = TestData.provider().load(file)) {
                assertEquals(index.spec(), loaded.spec());
                assertEquals(5000, loaded.count());
                assertTrue(loaded.isTrained());
                SearchResults after = loaded.search(sift.queries().data(), 10, p, arena);
                for (int q = 0; q < before.queries(); q++) {
                    assertArrayEquals(before.idsOf(q), after.idsOf(q), "query " + q);
                    assertArrayEquals(before.distancesOf(q), after.distancesOf(q), "query " + q);
                }
            }
        }
    }

    @Test
    void shouldRefuseSearchAndAddBeforeTraining() {
        try (VectorIndex ivf = TestData.provider().create(IndexSpec.parse("IVF64,Flat", 128, Metric.L2))) {
            assertFalse(ivf.isTrained());
            assertEquals("cannot search an untrained IVF64,Flat index: call train() with at least 64 vectors first",
                    assertThrows(IllegalStateException.class,
                            () -> ivf.search(sift.queries().data(), 10, SearchParams.DEFAULT, arena)).getMessage());
            assertEquals("cannot add to an untrained IVF64,Flat index: call train() with at least 64 vectors first",
                    assertThrows(IllegalStateException.class, () -> ivf.add(ids, sift.base().data())).getMessage());
            assertEquals("IVF64,Flat needs at least 64 training vectors, got 10",
                    assertThrows(IllegalArgumentException.class,
                            () -> ivf.train(sift.base().rows(0, 10))).getMessage());
            assertEquals(0, ivf.count());
        }
        try (VectorIndex pq = TestData.provider().create(IndexSpec.parse("IVF4,PQ8", 128, Metric.L2))) {
            assertEquals("IVF4,PQ8 needs at least 256 training vectors, got 100",
                    assertThrows(IllegalArgumentException.class,
                            () -> pq.train(sift.base().rows(0, 100))).getMessage());
        }
    }

    @Test
    void shouldRemoveIdsFromIvfAndFlatButRefuseForHnsw() {
        MemorySegment doomed = TestData.sequentialIds(2500, 0, arena);
        for (String description : new String[] {"Flat", "IVF32,Flat"}) {
            try (VectorIndex index = built(description)) {
                assertEquals(2500, index.remove(doomed));
                assertEquals(2500, index.count());
                SearchParams p = description.equals("Flat") ? SearchParams.DEFAULT : SearchParams.nprobe(32);
                SearchResults r = index.search(sift.queries().data(), 20, p, arena);
                for (int q = 0; q < r.queries(); q++) {
                    for (long id : r.idsOf(q)) {
                        assertTrue(id >= 2500, description + ": removed id " + id + " came back");
                    }
                }
                index.reset();
                assertEquals(0, index.count());
                assertTrue(index.isTrained());
            }
        }
        try (VectorIndex hnsw = built("HNSW16,Flat")) {
            assertEquals("HNSW16,Flat cannot remove vectors (FAISS HNSW graphs do not support removal): rebuild it "
                    + "without them", assertThrows(UnsupportedOperationException.class, () -> hnsw.remove(doomed))
                    .getMessage());
            assertEquals(5000, hnsw.count());
        }
    }

    @Test
    void shouldKeepCallerIdsThroughFlatRemoval() {
        try (VectorIndex flat = TestData.provider().create(IndexSpec.flat(2, Metric.L2))) {
            flat.add(TestData.longs(arena, 100, 200, 300, 400), TestData.floats(arena, 0, 0, 1, 0, 2, 0, 3, 0));
            assertEquals(2, flat.remove(TestData.longs(arena, 200, 400, 999)));
            SearchResults r = flat.search(TestData.floats(arena, 2.1f, 0), 2, SearchParams.DEFAULT, arena);
            assertEquals(300, r.id(0, 0));
            assertEquals(100, r.id(0, 1));
            flat.add(TestData.longs(arena, 500), TestData.floats(arena, 2.2f, 0));
            assertEquals(500, flat.search(TestData.floats(arena, 2.2f, 0), 1, SearchParams.DEFAULT, arena).id(0, 0));
        }
    }

    @Test
    void shouldDetectACorruptedFileBeforeFaissReadsIt() throws IOException {
        Path file = dir.resolve("corrupt.vxi");
        try (VectorIndex index = built("IVF32,Flat")) {
            index.save(file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, 5000);
            b.put(0, (byte) (b.get(0) ^ 0x40));
            ch.write(b.flip(), 5000);
        }
        assertEquals("corrupt index file " + file + ": payload checksum mismatch",
                assertThrows(UncheckedIOException.class, () -> TestData.provider().load(file)).getMessage());
    }

    @Test
    void shouldNotReadFaissFilesWithTheJavaProvider() {
        Path file = dir.resolve("ivf.vxi");
        try (VectorIndex index = built("IVF32,Flat")) {
            index.save(file);
        }
        VectorIndexProvider java = VectorIndexProviders.choose("java", ApproximateFallback.FAIL);
        assertEquals("index file " + file + " holds a FAISS IVF32,Flat index, which the java provider cannot read "
                        + "(forced by vxdb.index.provider=java)",
                assertThrows(IllegalStateException.class, () -> java.load(file)).getMessage());
    }

    @Test
    void shouldSetOpenMpThreads() {
        VectorIndexProvider p = TestData.provider();
        int before = p.threads();
        try {
            p.setThreads(1);
            assertEquals(1, p.threads());
            assertEquals("threads must be >= 1, got 0",
                    assertThrows(IllegalArgumentException.class, () -> p.setThreads(0)).getMessage());
        } finally {
            p.setThreads(before);
        }
    }
}
