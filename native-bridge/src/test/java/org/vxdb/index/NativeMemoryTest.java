package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Create/add/search/close cycles leave resident memory bounded: every native object is freed. */
class NativeMemoryTest {

    private static final int DIM = 64;
    private static final int ROWS = 20_000; // 5 MB of vectors per cycle
    private static final int CYCLES = 150;  // 750 MB in total if nothing were freed

    @Test
    void shouldFreeNativeMemoryOnClose() throws IOException {
        boolean faiss = TestData.faiss();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment base = TestData.randomVectors(ROWS, DIM, 5, arena);
            MemorySegment ids = TestData.sequentialIds(ROWS, 0, arena);
            MemorySegment queries = base.asSlice(0, 4L * DIM * Float.BYTES);
            cycles(10, faiss, base, ids, queries); // warm up allocators and the JIT
            long before = residentBytes();
            cycles(CYCLES, faiss, base, ids, queries);
            long growth = residentBytes() - before;
            assertTrue(growth < 200L << 20, "resident memory grew by " + (growth >> 20) + " MB over " + CYCLES
                    + " cycles of " + (ROWS * DIM * 4L >> 20) + " MB each");
        }
    }

    private static void cycles(int n, boolean faiss, MemorySegment base, MemorySegment ids, MemorySegment queries) {
        String description = faiss ? "IVF16,Flat" : "Flat";
        for (int i = 0; i < n; i++) {
            try (Arena scratch = Arena.ofConfined();
                 VectorIndex index = TestData.provider().create(IndexSpec.parse(description, DIM, Metric.COSINE))) {
                index.train(base);
                index.add(ids, base);
                index.search(queries, 5, SearchParams.DEFAULT, scratch);
            }
        }
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
