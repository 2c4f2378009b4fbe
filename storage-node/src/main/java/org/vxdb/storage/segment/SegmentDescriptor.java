package org.vxdb.storage.segment;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Layout of a segment file (docs/segment-format.md). Little-endian throughout.
 *
 * <pre>
 *   0  int32  magic "VXSG" (0x47535856)
 *   4  int32  format version (1)
 *   8  int32  dimension
 *  12  int32  metric code (Metric.code())
 *  16  int64  row count (at least 1)
 *  24  int64  created-at, Unix epoch milliseconds
 *  32  int64  smallest row version
 *  40  int64  largest row version
 *  48  int32  block count (6)
 *  52  int32  reserved (0)
 *  56  block table: 6 entries of 32 bytes, in {@link Block} order
 *        +0  int64  file offset of the block (64-byte aligned)
 *        +8  int64  stored length in bytes
 *       +16  int64  uncompressed length in bytes
 *       +24  int32  codec: 0 = raw, 1 = LZ4 block chunks
 *       +28  int32  CRC32C of the stored bytes
 * 248  int32  reserved (0)
 * 252  int32  CRC32C of bytes 0..251
 * 256  blocks, in table order, each at a 64-byte aligned offset, zero padding between them;
 *      the file ends where the last block ends
 * </pre>
 *
 * <p>An LZ4 block stream is a sequence of chunks: int32 uncompressed length (1..{@link
 * #LZ4_CHUNK_LENGTH}), int32 compressed length, then that many bytes of one LZ4 block.
 */
public final class SegmentDescriptor {

    /** "VXSG" read as a little-endian int32. */
    public static final int MAGIC = 0x47535856;
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_LENGTH = 256;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 4;
    public static final int DIMENSION_OFFSET = 8;
    public static final int METRIC_OFFSET = 12;
    public static final int COUNT_OFFSET = 16;
    public static final int CREATED_AT_OFFSET = 24;
    public static final int MIN_VERSION_OFFSET = 32;
    public static final int MAX_VERSION_OFFSET = 40;
    public static final int BLOCK_COUNT_OFFSET = 48;
    public static final int BLOCK_TABLE_OFFSET = 56;
    public static final int HEADER_CRC_OFFSET = 252;

    public static final int BLOCK_ENTRY_LENGTH = 32;
    public static final int BLOCK_FILE_OFFSET_OFFSET = 0;
    public static final int BLOCK_STORED_LENGTH_OFFSET = 8;
    public static final int BLOCK_UNCOMPRESSED_LENGTH_OFFSET = 16;
    public static final int BLOCK_CODEC_OFFSET = 24;
    public static final int BLOCK_CRC_OFFSET = 28;

    /** Every block starts at a multiple of this; the vector block so FAISS and SIMD read it in place. */
    public static final int BLOCK_ALIGNMENT = 64;

    public static final int CODEC_RAW = 0;
    public static final int CODEC_LZ4_CHUNKS = 1;

    /** Largest uncompressed chunk of an LZ4 block stream. */
    public static final int LZ4_CHUNK_LENGTH = 1 << 20;
    public static final int LZ4_CHUNK_HEADER_LENGTH = 8;

    /** Bit 0 of a row's flags byte: the row is a versioned delete and its vector is all zeros. */
    public static final byte FLAG_TOMBSTONE = 1;

    /** Suffix of the file a segment is written to before it is renamed into place. */
    public static final String TEMP_SUFFIX = ".tmp";

    public static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The blocks of a segment, in table and file order. Never reorder: the ordinal is the table slot. */
    public enum Block {
        VECTORS(CODEC_RAW),
        IDS(CODEC_RAW),
        VERSIONS(CODEC_RAW),
        FLAGS(CODEC_RAW),
        METADATA_OFFSETS(CODEC_RAW),
        METADATA(CODEC_LZ4_CHUNKS);

        private final int codec;

        Block(int codec) {
            this.codec = codec;
        }

        /** The codec format version 1 stores this block with. */
        public int codec() {
            return codec;
        }

        /** Offset of this block's entry in the header's block table. */
        public int entryOffset() {
            return BLOCK_TABLE_OFFSET + ordinal() * BLOCK_ENTRY_LENGTH;
        }
    }

    public static final int BLOCK_COUNT = Block.values().length;

    private SegmentDescriptor() {
    }

    /** Smallest multiple of {@link #BLOCK_ALIGNMENT} at or above {@code offset}. */
    public static long alignBlock(long offset) {
        return (offset + BLOCK_ALIGNMENT - 1) & -(long) BLOCK_ALIGNMENT;
    }

    /** Bytes of the vector block: count rows of dimension float32. */
    public static long vectorBytes(long count, int dimension) {
        return Math.multiplyExact(Math.multiplyExact(count, (long) dimension), (long) Float.BYTES);
    }
}
