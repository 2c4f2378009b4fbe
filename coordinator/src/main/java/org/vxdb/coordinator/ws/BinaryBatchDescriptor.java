package org.vxdb.coordinator.ws;

/**
 * The byte layout of a binary batch frame (docs/api-websocket.md, "Binary batch frames"). Every
 * number is little-endian. A frame is a 24-byte header followed by {@code row_count} rows:
 *
 * <pre>
 * offset size  field
 *  0      4    magic       the ASCII bytes 'V' 'X' 'W' 'B'
 *  4      2    version     uint16, 1
 *  6      2    flags       uint16; bit 0 ({@link #FLAG_METADATA}): every row ends with metadata; other bits 0
 *  8      8    seq         uint64, the batch's sequence number
 * 16      4    row_count   uint32
 * 20      4    dimension   uint32, the number of float32 values of every row
 * 24           rows
 *
 * row (relative to its start):
 *  0      8    id          uint64
 *  8      4*d  values      float32 x dimension
 *  8+4*d  4    meta_len    uint32, only with FLAG_METADATA: length of the metadata that follows (0 = none)
 * 12+4*d  n    metadata    only with FLAG_METADATA: a UTF-8 JSON object of string, number and boolean fields
 * </pre>
 */
public final class BinaryBatchDescriptor {

    /** 'V' 'X' 'W' 'B' read as a little-endian uint32. */
    public static final int MAGIC = 'V' | 'X' << 8 | 'W' << 16 | 'B' << 24;
    public static final String MAGIC_TEXT = "VXWB";
    public static final int VERSION = 1;
    public static final int FLAG_METADATA = 1;
    public static final int KNOWN_FLAGS = FLAG_METADATA;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int FLAGS_OFFSET = 6;
    public static final int SEQ_OFFSET = 8;
    public static final int ROW_COUNT_OFFSET = 16;
    public static final int DIMENSION_OFFSET = 20;
    public static final int HEADER_LENGTH = 24;

    public static final int ID_LENGTH = Long.BYTES;
    public static final int VALUE_LENGTH = Float.BYTES;
    public static final int META_LENGTH_LENGTH = Integer.BYTES;

    private BinaryBatchDescriptor() {
    }

    /** Bytes of one row without metadata: the id and {@code dimension} float32 values. */
    public static long fixedRowLength(long dimension) {
        return ID_LENGTH + VALUE_LENGTH * dimension;
    }

    /** The smallest a row can be: its fixed part, plus the metadata length field when the flag is set. */
    public static long minimumRowLength(long dimension, boolean metadata) {
        return fixedRowLength(dimension) + (metadata ? META_LENGTH_LENGTH : 0);
    }
}
