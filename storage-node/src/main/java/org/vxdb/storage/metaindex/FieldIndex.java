package org.vxdb.storage.metaindex;

import java.nio.ByteBuffer;
import org.roaringbitmap.RoaringBitmap;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.MetadataCodec.MetadataReader;
import org.vxdb.storage.meta.MetadataValue;

/**
 * The index of one metadata field over the rows {@code [0, n)} of one segment or memory buffer.
 * Built by appending rows in increasing order, then frozen (sealed segments) or kept growing (the
 * memory buffer, whose writer appends under the shard's write lock while searches hold its read
 * lock). Answers return row bitmaps that callers must not modify, or null when this index cannot
 * answer the condition exactly (the caller then scans the rows for it).
 */
sealed interface FieldIndex permits InvertedFieldIndex, OrderedFieldIndex {

    MetadataIndexSpec spec();

    /** Adds {@code row}, whose metadata reader is positioned at this index's field. */
    void add(int row, MetadataReader field);

    /** Compacts the structure for reading; no rows are added afterwards. */
    void freeze();

    /** Rows whose field equals {@code value} with {@link Filter#eq} semantics, or null. */
    RoaringBitmap eq(MetadataValue value);

    /** How many rows {@link #eq} would return, or -1 when it cannot answer. */
    long countEq(MetadataValue value);

    /** Rows whose field lies in the range, or null. */
    RoaringBitmap range(Filter.Range range);

    /**
     * Sets bit {@code base + row} of {@code bits} for every row {@link #range} would return, without
     * building the bitmap; false (nothing set) when this index does not answer ranges this way.
     */
    default boolean rangeInto(Filter.Range range, long[] bits, long base) {
        return false;
    }

    /** How many rows {@link #range} would return, or -1 when it cannot answer. */
    long countRange(Filter.Range range);

    /** Heap bytes this index takes, estimated from its arrays and bitmaps. */
    long bytes();

    /** Bytes {@link #writePayload} writes. */
    long payloadBytes();

    /** Writes the frozen index in its file form (docs/storage-engine.md, metadata index files). */
    void writePayload(ByteBuffer out);

    /** The largest integer magnitude whose conversion to double is exact and unambiguous. */
    long EXACT_DOUBLE_INTEGER = (1L << 53) - 1;
}
