package org.vxdb.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.vxdb.index.Metric;

/** Columns that disagree with each other are refused before anything is written, with the reason. */
class SegmentDataTest {

    private static final MemorySegment VECTORS = MemorySegment.ofArray(new float[] {1, 2, 3, 0, 0, 0});
    private static final MemorySegment IDS = MemorySegment.ofArray(new long[] {10, 11});
    private static final MemorySegment VERSIONS = MemorySegment.ofArray(new long[] {1, 2});
    private static final MemorySegment FLAGS = MemorySegment.ofArray(new byte[] {0, 1});
    private static final MemorySegment METADATA = MemorySegment.ofArray(new byte[] {'a', 'b', 'c'});
    private static final MemorySegment OFFSETS = MemorySegment.ofArray(new long[] {0, 3, 3});

    @Test
    void shouldAcceptConsistentColumns() {
        SegmentData data = new SegmentData(3, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS);
        assertEquals(2, data.count());
    }

    @Test
    void shouldRejectADimensionOutOfRange() {
        assertRejected("dimension must be between 1 and 65536, got 0",
                () -> new SegmentData(0, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
        assertRejected("dimension must be between 1 and 65536, got 65537",
                () -> new SegmentData(65_537, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
    }

    @Test
    void shouldRejectAMissingMetric() {
        assertRejected("metric is required",
                () -> new SegmentData(3, null, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
    }

    @Test
    void shouldRejectAnEmptySegment() {
        assertRejected("a segment needs at least 1 row, got count 0",
                () -> new SegmentData(3, Metric.L2, 0, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
    }

    @Test
    void shouldRejectVectorsOfTheWrongSize() {
        assertRejected("vectors holds 24 bytes, expected 16 (2 rows of 2 float32)",
                () -> new SegmentData(2, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
        assertRejected("vectors is required",
                () -> new SegmentData(3, Metric.L2, 2, null, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
    }

    @Test
    void shouldRejectARowCountWhoseVectorSizeOverflows() {
        assertRejected("4611686018427387903 rows of dimension 3 overflow a long", () -> new SegmentData(3,
                Metric.L2, Long.MAX_VALUE / 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, OFFSETS));
    }

    @Test
    void shouldRejectColumnsWithTheWrongRowCount() {
        MemorySegment three = MemorySegment.ofArray(new long[] {1, 2, 3});
        assertRejected("ids holds 24 bytes, expected 16 (2 int64)",
                () -> new SegmentData(3, Metric.L2, 2, VECTORS, three, VERSIONS, FLAGS, METADATA, OFFSETS));
        assertRejected("versions holds 24 bytes, expected 16 (2 int64)",
                () -> new SegmentData(3, Metric.L2, 2, VECTORS, IDS, three, FLAGS, METADATA, OFFSETS));
        assertRejected("flags holds 3 bytes, expected 2 (2 bytes)", () -> new SegmentData(3, Metric.L2, 2,
                VECTORS, IDS, VERSIONS, MemorySegment.ofArray(new byte[3]), METADATA, OFFSETS));
        assertRejected("metadataOffsets holds 16 bytes, expected 24 (3 int64)", () -> new SegmentData(3,
                Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, MemorySegment.ofArray(new long[] {0, 3})));
    }

    @Test
    void shouldRejectMissingMetadata() {
        assertRejected("metadata is required (an empty segment when no row has any)",
                () -> new SegmentData(3, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, null, OFFSETS));
    }

    @Test
    void shouldRejectMetadataOffsetsThatDoNotStartAtZero() {
        assertRejected("metadataOffsets[0] must be 0, got 1",
                () -> new SegmentData(3, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, offsets(1, 2, 3)));
    }

    @Test
    void shouldRejectMetadataOffsetsThatDecrease() {
        assertRejected("metadataOffsets must not decrease: metadataOffsets[2] = 2 is below metadataOffsets[1] = 3",
                () -> new SegmentData(3, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, offsets(0, 3, 2)));
    }

    @Test
    void shouldRejectMetadataOffsetsThatDoNotEndAtTheMetadataSize() {
        assertRejected("metadataOffsets[2] = 2 must equal the metadata size 3",
                () -> new SegmentData(3, Metric.L2, 2, VECTORS, IDS, VERSIONS, FLAGS, METADATA, offsets(0, 1, 2)));
    }

    @Test
    void shouldRejectReservedFlagBits() {
        assertRejected("flags of row 0 are 0x82: only bit 0 (tombstone) is defined", () -> new SegmentData(3,
                Metric.L2, 2, VECTORS, IDS, VERSIONS, MemorySegment.ofArray(new byte[] {(byte) 0x82, 0}),
                METADATA, OFFSETS));
    }

    @Test
    void shouldRejectATombstoneWithANonZeroVector() {
        assertRejected("row 0 is a tombstone but its vector is not all zeros", () -> new SegmentData(3,
                Metric.L2, 2, VECTORS, IDS, VERSIONS, MemorySegment.ofArray(new byte[] {1, 1}), METADATA, OFFSETS));
    }

    private static MemorySegment offsets(long... values) {
        return MemorySegment.ofArray(values);
    }

    private static void assertRejected(String message, Runnable construct) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, construct::run).getMessage());
    }
}
