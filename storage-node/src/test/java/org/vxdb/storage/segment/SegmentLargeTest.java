package org.vxdb.storage.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;

/**
 * A segment of 200k rows of 128 floats (about 100 MB of vectors) is built off-heap, written and
 * opened: the writer streams it through a small staging buffer, the reader maps it and puts the
 * decompressed metadata off-heap, so neither needs heap in proportion to the file.
 */
class SegmentLargeTest {

    private static final int ROWS = 200_000;
    private static final int DIM = 128;
    private static final int METADATA_BYTES = 12;

    @TempDir
    Path dir;

    @Test
    void shouldWriteAndOpenA200kBy128SegmentFromOffHeapColumns() throws IOException {
        Path file = dir.resolve("large.vxs");
        try (Arena columns = Arena.ofConfined()) {
            SegmentWriter.write(file, columns(columns));
        }
        long vectorBytes = (long) ROWS * DIM * Float.BYTES;
        assertTrue(Files.size(file) > vectorBytes);

        try (Segment segment = Segment.open(file)) {
            assertEquals(ROWS, segment.count());
            assertEquals(vectorBytes, segment.vectors().byteSize());
            assertTrue(segment.vectors().address() >= segment.mappedAddress()
                    && segment.vectors().address() + vectorBytes <= segment.mappedAddress() + segment.mappedBytes());
            assertEquals(0, segment.vectors().address() % 64);
            assertEquals(1, segment.minVersion());
            assertEquals(ROWS, segment.maxVersion());
            for (int row : new int[] {0, 1, 65_535, 123_457, ROWS - 1}) {
                assertEquals(1_000_000_000L + row, segment.id(row));
                assertEquals(row + 1, segment.version(row));
                assertEquals(row % 1000 == 0, segment.isTombstone(row));
                float[] vector = segment.vectorSlice(row, row + 1).toArray(ValueLayout.JAVA_FLOAT);
                assertArrayEquals(expectedVector(row), vector);
                assertArrayEquals(expectedMetadata(row), segment.metadata(row).toArray(ValueLayout.JAVA_BYTE));
                assertTrue(segment.metadata(row).isNative());
            }
        }
    }

    private static SegmentData columns(Arena arena) {
        MemorySegment vectors = arena.allocate((long) ROWS * DIM * Float.BYTES, 64);
        MemorySegment ids = arena.allocate((long) ROWS * Long.BYTES, 8);
        MemorySegment versions = arena.allocate((long) ROWS * Long.BYTES, 8);
        MemorySegment flags = arena.allocate(ROWS);
        MemorySegment metadata = arena.allocate((long) ROWS * METADATA_BYTES);
        MemorySegment offsets = arena.allocate((long) (ROWS + 1) * Long.BYTES, 8);
        for (int r = 0; r < ROWS; r++) {
            MemorySegment.copy(expectedVector(r), 0, vectors, ValueLayout.JAVA_FLOAT, (long) r * DIM * Float.BYTES,
                    DIM);
            ids.setAtIndex(ValueLayout.JAVA_LONG, r, 1_000_000_000L + r);
            versions.setAtIndex(ValueLayout.JAVA_LONG, r, r + 1);
            flags.set(ValueLayout.JAVA_BYTE, r, r % 1000 == 0 ? SegmentDescriptor.FLAG_TOMBSTONE : 0);
            MemorySegment.copy(expectedMetadata(r), 0, metadata, ValueLayout.JAVA_BYTE, (long) r * METADATA_BYTES,
                    METADATA_BYTES);
            offsets.setAtIndex(ValueLayout.JAVA_LONG, r + 1, (long) (r + 1) * METADATA_BYTES);
        }
        return new SegmentData(DIM, Metric.INNER_PRODUCT, ROWS, vectors, ids, versions, flags, metadata, offsets);
    }

    private static float[] expectedVector(int row) {
        float[] v = new float[DIM];
        if (row % 1000 != 0) {
            for (int j = 0; j < DIM; j++) {
                v[j] = row * 0.001f + j;
            }
        }
        return v;
    }

    private static byte[] expectedMetadata(int row) {
        byte[] m = new byte[METADATA_BYTES];
        String text = String.format("row=%08d", row);
        for (int i = 0; i < METADATA_BYTES; i++) {
            m[i] = (byte) text.charAt(i);
        }
        return m;
    }
}
