package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.vecs.Dataset;

/** Vectors read in place from a mapped file give exactly what the heap path gives. */
class MappedFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldAddAndSearchFromAMappedFileLikeFromTheHeap() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Dataset ds = TestData.dataset("sift-5k", arena);
            float[] base = ds.base().data().toArray(ValueLayout.JAVA_FLOAT);
            float[] queries = ds.queries().data().toArray(ValueLayout.JAVA_FLOAT);
            Path file = dir.resolve("vectors.f32");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) base.length * 4, arena);
                MemorySegment.copy(base, 0, out, ValueLayout.JAVA_FLOAT, 0, base.length);
                out.force();
            }
            long[] ids = new long[ds.base().count()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 10_000 + i;
            }
            IndexSpec spec = IndexSpec.flat(128, Metric.L2);
            try (VectorIndex heap = TestData.provider().create(spec);
                 VectorIndex mapped = TestData.provider().create(spec);
                 FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                heap.add(MemorySegment.ofArray(ids), MemorySegment.ofArray(base));
                MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                mapped.add(MemorySegment.ofArray(ids), map);
                SearchResults h = heap.search(MemorySegment.ofArray(queries), 10, SearchParams.DEFAULT, arena);
                SearchResults m = mapped.search(map.asSlice(0, 20L * 128 * 4), 10, SearchParams.DEFAULT, arena);
                SearchResults mq = mapped.search(MemorySegment.ofArray(queries), 10, SearchParams.DEFAULT, arena);
                for (int q = 0; q < 100; q++) {
                    assertArrayEquals(h.idsOf(q), mq.idsOf(q));
                    // Vector API lane reductions may sum in a different order once C2 compiles them.
                    assertArrayEquals(h.distancesOf(q), mq.distancesOf(q), 1e-2f);
                }
                for (int q = 0; q < 20; q++) {
                    // A base vector is its own nearest neighbour at distance 0.
                    assertEquals(10_000 + q, m.id(q, 0));
                    assertEquals(0f, m.distance(q, 0));
                }
            }
        }
    }
}
