package org.vxdb.storage.segment;

import static org.vxdb.storage.segment.SegmentDescriptor.FLAG_TOMBSTONE;
import static org.vxdb.storage.segment.SegmentDescriptor.LONG_LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;

/**
 * The rows of one segment, column by column, as the engine hands them to {@link SegmentWriter}.
 * Multi-byte values are little-endian (the native order of every platform VxDB runs on, so a
 * {@code long[]} or {@code float[]} wrapped with {@link MemorySegment#ofArray} is already right).
 * Heap and off-heap segments are both accepted.
 *
 * <p>The constructor checks that the columns agree with each other: it reads the flags and the
 * metadata offsets once, and the vectors of tombstone rows, but no other vector.
 *
 * @param dimension       floats per vector, 1..{@link IndexSpec#MAX_DIMENSION}
 * @param metric          how vectors of this shard are compared
 * @param count           rows, at least 1
 * @param vectors         {@code count * dimension} float32, row after row
 * @param ids             {@code count} int64
 * @param versions        {@code count} int64
 * @param flags           {@code count} bytes; bit 0 marks a tombstone, whose vector must be all zeros;
 *                        the other bits are reserved and must be 0
 * @param metadata        the opaque metadata of all rows, concatenated
 * @param metadataOffsets {@code count + 1} int64: row {@code r}'s metadata is the bytes
 *                        {@code [offsets[r], offsets[r + 1])} of {@code metadata}; starts at 0,
 *                        never decreases, ends at {@code metadata.byteSize()}
 */
public record SegmentData(int dimension, Metric metric, long count, MemorySegment vectors, MemorySegment ids,
                          MemorySegment versions, MemorySegment flags, MemorySegment metadata,
                          MemorySegment metadataOffsets) {

    public SegmentData {
        if (dimension < 1 || dimension > IndexSpec.MAX_DIMENSION) {
            throw new IllegalArgumentException(
                    "dimension must be between 1 and " + IndexSpec.MAX_DIMENSION + ", got " + dimension);
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric is required");
        }
        if (count < 1) {
            throw new IllegalArgumentException("a segment needs at least 1 row, got count " + count);
        }
        requireBytes("vectors", vectors, vectorBytes(count, dimension),
                count + " rows of " + dimension + " float32");
        requireBytes("ids", ids, count * Long.BYTES, count + " int64");
        requireBytes("versions", versions, count * Long.BYTES, count + " int64");
        requireBytes("flags", flags, count, count + " bytes");
        if (metadata == null) {
            throw new IllegalArgumentException("metadata is required (an empty segment when no row has any)");
        }
        requireBytes("metadataOffsets", metadataOffsets, (count + 1) * Long.BYTES, (count + 1) + " int64");
        checkMetadataOffsets(count, metadata, metadataOffsets);
        checkFlags(dimension, count, vectors, flags);
    }

    private static long vectorBytes(long count, int dimension) {
        try {
            return SegmentDescriptor.vectorBytes(count, dimension);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(count + " rows of dimension " + dimension + " overflow a long");
        }
    }

    private static void requireBytes(String name, MemorySegment column, long expected, String what) {
        if (column == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (column.byteSize() != expected) {
            throw new IllegalArgumentException(name + " holds " + column.byteSize() + " bytes, expected "
                    + expected + " (" + what + ")");
        }
    }

    private static void checkMetadataOffsets(long count, MemorySegment metadata, MemorySegment offsets) {
        long first = offsets.getAtIndex(LONG_LE, 0);
        if (first != 0) {
            throw new IllegalArgumentException("metadataOffsets[0] must be 0, got " + first);
        }
        long previous = 0;
        for (long r = 1; r <= count; r++) {
            long next = offsets.getAtIndex(LONG_LE, r);
            if (next < previous) {
                throw new IllegalArgumentException("metadataOffsets must not decrease: metadataOffsets[" + r
                        + "] = " + next + " is below metadataOffsets[" + (r - 1) + "] = " + previous);
            }
            previous = next;
        }
        if (previous != metadata.byteSize()) {
            throw new IllegalArgumentException("metadataOffsets[" + count + "] = " + previous
                    + " must equal the metadata size " + metadata.byteSize());
        }
    }

    private static void checkFlags(int dimension, long count, MemorySegment vectors, MemorySegment flags) {
        long rowBytes = (long) dimension * Float.BYTES;
        MemorySegment zeroRow = MemorySegment.ofArray(new byte[(int) rowBytes]);
        for (long r = 0; r < count; r++) {
            byte f = flags.get(ValueLayout.JAVA_BYTE, r);
            if ((f & ~FLAG_TOMBSTONE) != 0) {
                throw new IllegalArgumentException("flags of row " + r + " are 0x" + Integer.toHexString(f & 0xff)
                        + ": only bit 0 (tombstone) is defined");
            }
            if ((f & FLAG_TOMBSTONE) != 0 && vectors.asSlice(r * rowBytes, rowBytes).mismatch(zeroRow) != -1) {
                throw new IllegalArgumentException("row " + r + " is a tombstone but its vector is not all zeros");
            }
        }
    }
}
