package org.vxdb.storage.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vxdb.index.Metric;

/** What goes into a segment file comes back out of it, bit for bit. */
class SegmentRoundTripTest {

    private static final long CREATED_AT = 1_767_225_600_000L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "dimension {0}")
    @ValueSource(ints = {1, 3, 128, 784})
    void shouldReadBackEveryFieldOfEveryRowExactly(int dimension) throws IOException {
        Metric metric = Metric.values()[dimension % Metric.values().length];
        SegmentRows rows = SegmentRows.random(300, dimension, metric, dimension);
        Path file = dir.resolve("seg-" + dimension + ".vxs");
        SegmentWriter.write(file, rows.data(), CREATED_AT);

        try (Segment segment = Segment.open(file)) {
            assertEquals(file, segment.path());
            assertEquals(dimension, segment.dimension());
            assertEquals(metric, segment.metric());
            assertEquals(300, segment.count());
            assertEquals(CREATED_AT, segment.createdAtMillis());
            assertEquals(Arrays.stream(rows.versions()).min().orElseThrow(), segment.minVersion());
            assertEquals(Arrays.stream(rows.versions()).max().orElseThrow(), segment.maxVersion());
            assertArrayEquals(rows.vectorBits(), segment.vectors().toArray(ValueLayout.JAVA_INT));
            assertArrayEquals(rows.ids(), segment.ids().toArray(ValueLayout.JAVA_LONG));
            for (int r = 0; r < rows.count(); r++) {
                assertEquals(rows.ids()[r], segment.id(r), "id of row " + r);
                assertEquals(rows.versions()[r], segment.version(r), "version of row " + r);
                assertEquals(rows.flags()[r] == SegmentDescriptor.FLAG_TOMBSTONE, segment.isTombstone(r),
                        "tombstone flag of row " + r);
                assertArrayEquals(rows.metadata()[r], segment.metadata(r).toArray(ValueLayout.JAVA_BYTE),
                        "metadata of row " + r);
            }
        }
    }

    @Test
    void shouldMarkTombstonesAndGiveThemZeroVectors() throws IOException {
        SegmentRows rows = SegmentRows.random(20, 4, Metric.L2, 1);
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, rows.data());

        try (Segment segment = Segment.open(file)) {
            assertTrue(segment.isTombstone(3));
            assertTrue(segment.isTombstone(10));
            assertFalse(segment.isTombstone(4));
            assertArrayEquals(new float[4], segment.vectorSlice(3, 4).toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void shouldPlaceTheVectorBlockAt64ByteAlignedAddressInPlace() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(33, 3, Metric.COSINE, 2).data());

        try (Segment segment = Segment.open(file)) {
            MemorySegment vectors = segment.vectors();
            assertEquals(0, vectors.address() % 64);
            assertEquals(33L * 3 * Float.BYTES, vectors.byteSize());
            assertTrue(vectors.address() >= segment.mappedAddress()
                    && vectors.address() + vectors.byteSize() <= segment.mappedAddress() + segment.mappedBytes(),
                    "vectors are read in place from the mapped file");
            assertTrue(vectors.isReadOnly());
        }
    }

    @Test
    void shouldCloseTheVectorViewWithTheSegment() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(4, 3, Metric.L2, 5).data());
        Segment segment = Segment.open(file);
        MemorySegment vectors = segment.vectors();
        float first = vectors.get(ValueLayout.JAVA_FLOAT, 0);
        assertTrue(Float.isFinite(first));
        segment.close();
        // The native view shares the segment's arena: after close it fails cleanly, never reads unmapped memory.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vectors.get(ValueLayout.JAVA_FLOAT, 0));
        assertEquals("Already closed", e.getMessage());
    }

    @Test
    void shouldSliceVectorsByRow() throws IOException {
        SegmentRows rows = SegmentRows.random(50, 3, Metric.L2, 3);
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, rows.data());

        try (Segment segment = Segment.open(file)) {
            MemorySegment slice = segment.vectorSlice(10, 14);
            assertEquals(4L * 3 * Float.BYTES, slice.byteSize());
            assertArrayEquals(Arrays.copyOfRange(rows.vectorBits(), 30, 42), slice.toArray(ValueLayout.JAVA_INT));
            assertEquals(0, segment.vectorSlice(50, 50).byteSize());
            assertEquals(segment.vectors().byteSize(), segment.vectorSlice(0, 50).byteSize());
        }
    }

    @Test
    void shouldGiveAnEmptyReadOnlySliceForRowsWithoutMetadata() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(10, 2, Metric.L2, 4).data());

        try (Segment segment = Segment.open(file)) {
            assertEquals(0, segment.metadata(0).byteSize());
            assertEquals(1, segment.metadata(1).byteSize());
            assertTrue(segment.metadata(1).isReadOnly());
            assertTrue(segment.metadata(1).isNative(), "metadata is decompressed off-heap");
        }
    }

    @Test
    void shouldWriteASegmentWhoseRowsAllHaveNoMetadata() throws IOException {
        MemorySegment none = MemorySegment.ofArray(new byte[0]);
        SegmentData data = new SegmentData(2, Metric.L2, 2, MemorySegment.ofArray(new float[] {1, 2, 3, 4}),
                MemorySegment.ofArray(new long[] {7, 8}), MemorySegment.ofArray(new long[] {5, 5}),
                MemorySegment.ofArray(new byte[2]), none, MemorySegment.ofArray(new long[3]));
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, data);

        try (Segment segment = Segment.open(file)) {
            assertEquals(0, segment.metadata(1).byteSize());
            assertEquals(5, segment.minVersion());
            assertEquals(5, segment.maxVersion());
            assertEquals(8, segment.id(1));
        }
    }

    @Test
    void shouldRoundTripMetadataSpanningSeveralIncompressibleChunks() throws IOException {
        SplittableRandom random = new SplittableRandom(12);
        byte[][] metadata = {new byte[1_500_000], new byte[0], new byte[700_000]};
        for (byte[] m : metadata) {
            random.nextBytes(m);
        }
        SegmentRows rows = new SegmentRows(2, Metric.L2, new float[6], new long[] {1, 2, 3}, new long[] {4, 5, 6},
                new byte[3], metadata);
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, rows.data());

        try (Segment segment = Segment.open(file)) {
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(metadata[r], segment.metadata(r).toArray(ValueLayout.JAVA_BYTE), "row " + r);
            }
        }
    }

    @Test
    void shouldLeaveNoTempFileBehind() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(5, 2, Metric.L2, 5).data());

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void shouldReplaceAStaleTempFileFromACrashedWrite() throws IOException {
        Path file = dir.resolve("seg.vxs");
        Files.write(dir.resolve("seg.vxs.tmp"), new byte[10_000]);
        SegmentWriter.write(file, SegmentRows.random(5, 2, Metric.L2, 6).data());

        assertFalse(Files.exists(dir.resolve("seg.vxs.tmp")));
        try (Segment segment = Segment.open(file)) {
            assertEquals(5, segment.count());
        }
    }

    @Test
    void shouldRefuseToOverwriteAnExistingSegment() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentData data = SegmentRows.random(5, 2, Metric.L2, 7).data();
        SegmentWriter.write(file, data);
        byte[] before = Files.readAllBytes(file);

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> SegmentWriter.write(file, data));
        assertEquals(file + ": segment files are immutable", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void shouldNameFileAndRowWhenARowIsOutOfRange() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(300, 2, Metric.L2, 8).data());

        try (Segment segment = Segment.open(file)) {
            String range = " is out of range [0, 300) in segment " + file;
            assertEquals("row 300" + range, assertThrows(IndexOutOfBoundsException.class,
                    () -> segment.id(300)).getMessage());
            assertEquals("row -1" + range, assertThrows(IndexOutOfBoundsException.class,
                    () -> segment.version(-1)).getMessage());
            assertEquals("row 300" + range, assertThrows(IndexOutOfBoundsException.class,
                    () -> segment.isTombstone(300)).getMessage());
            assertEquals("row 301" + range, assertThrows(IndexOutOfBoundsException.class,
                    () -> segment.metadata(301)).getMessage());
            assertEquals("rows [5, 301) are out of range [0, 300] in segment " + file,
                    assertThrows(IndexOutOfBoundsException.class, () -> segment.vectorSlice(5, 301)).getMessage());
            assertEquals("rows [6, 5) are out of range [0, 300] in segment " + file,
                    assertThrows(IndexOutOfBoundsException.class, () -> segment.vectorSlice(6, 5)).getMessage());
        }
    }

    @Test
    void shouldRejectUseAfterCloseNamingTheFile() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(10, 2, Metric.L2, 9).data());
        Segment segment = Segment.open(file);
        MemorySegment vectors = segment.vectors();
        segment.close();

        String closed = "segment " + file + " is closed";
        assertEquals(closed, assertThrows(IllegalStateException.class, segment::vectors).getMessage());
        assertEquals(closed, assertThrows(IllegalStateException.class, () -> segment.id(0)).getMessage());
        assertEquals(closed, assertThrows(IllegalStateException.class, () -> segment.metadata(0)).getMessage());
        assertEquals(closed, assertThrows(IllegalStateException.class, segment::count).getMessage());
        assertThrows(IllegalStateException.class, () -> vectors.get(ValueLayout.JAVA_FLOAT, 0),
                "the owned arena is closed, so the mapping is gone");
        assertTrue(segment.isClosed());
        segment.close();
    }

    @Test
    void shouldLeaveACallersArenaOpenOnClose() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentRows rows = SegmentRows.random(10, 2, Metric.L2, 10);
        SegmentWriter.write(file, rows.data());

        try (Arena arena = Arena.ofConfined()) {
            Segment segment = Segment.open(file, arena);
            MemorySegment vectors = segment.vectors();
            segment.close();
            segment.close();

            assertEquals("segment " + file + " is closed",
                    assertThrows(IllegalStateException.class, () -> segment.id(0)).getMessage());
            assertEquals(Float.floatToRawIntBits(rows.vectors()[0]), vectors.get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void shouldCountAsClosedOnceTheCallersArenaIsClosed() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentWriter.write(file, SegmentRows.random(10, 2, Metric.L2, 11).data());
        Arena arena = Arena.ofShared();
        Segment segment = Segment.open(file, arena);
        arena.close();

        assertTrue(segment.isClosed());
        assertEquals("segment " + file + " is closed",
                assertThrows(IllegalStateException.class, () -> segment.id(0)).getMessage());
    }
}
