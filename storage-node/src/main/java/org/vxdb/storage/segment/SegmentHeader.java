package org.vxdb.storage.segment;

import static org.vxdb.storage.segment.SegmentDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;

/** The fixed 256-byte header of a segment file, encoded and decoded per {@link SegmentDescriptor}. */
record SegmentHeader(int dimension, Metric metric, long count, long createdAtMillis, long minVersion,
                     long maxVersion, List<BlockEntry> blocks) {

    SegmentHeader {
        blocks = List.copyOf(blocks);
    }

    BlockEntry block(Block block) {
        return blocks.get(block.ordinal());
    }

    /** The header bytes, checksum included, ready to be written at offset 0. */
    ByteBuffer encode() {
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_OFFSET, MAGIC)
                .putInt(FORMAT_VERSION_OFFSET, FORMAT_VERSION)
                .putInt(DIMENSION_OFFSET, dimension)
                .putInt(METRIC_OFFSET, metric.code())
                .putLong(COUNT_OFFSET, count)
                .putLong(CREATED_AT_OFFSET, createdAtMillis)
                .putLong(MIN_VERSION_OFFSET, minVersion)
                .putLong(MAX_VERSION_OFFSET, maxVersion)
                .putInt(BLOCK_COUNT_OFFSET, BLOCK_COUNT);
        for (BlockEntry e : blocks) {
            int at = e.block().entryOffset();
            h.putLong(at + BLOCK_FILE_OFFSET_OFFSET, e.offset())
                    .putLong(at + BLOCK_STORED_LENGTH_OFFSET, e.storedLength())
                    .putLong(at + BLOCK_UNCOMPRESSED_LENGTH_OFFSET, e.uncompressedLength())
                    .putInt(at + BLOCK_CODEC_OFFSET, e.codec())
                    .putInt(at + BLOCK_CRC_OFFSET, e.crc());
        }
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, HEADER_CRC_OFFSET);
        h.putInt(HEADER_CRC_OFFSET, (int) crc.getValue());
        return h;
    }

    /**
     * Reads and checks the header at the start of {@code file}: length, magic, format version,
     * checksum, then each field on its own. Block placement is checked by the caller, which knows
     * what the blocks must hold.
     */
    static SegmentHeader decode(Path file, MemorySegment mapped) throws SegmentCorruptException {
        if (mapped.byteSize() < HEADER_LENGTH) {
            throw corrupt(file, 0, "is truncated: the file is " + mapped.byteSize() + " bytes, the header needs "
                    + HEADER_LENGTH);
        }
        int magic = mapped.get(INT_LE, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw corrupt(file, MAGIC_OFFSET, "has magic 0x" + Integer.toHexString(magic) + ", expected 0x"
                    + Integer.toHexString(MAGIC) + " (\"VXSG\"): not a VxDB segment file");
        }
        int version = mapped.get(INT_LE, FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw corrupt(file, FORMAT_VERSION_OFFSET, "has format version " + version + ", this reader supports "
                    + FORMAT_VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(mapped.asSlice(0, HEADER_CRC_OFFSET).asByteBuffer());
        if ((int) crc.getValue() != mapped.get(INT_LE, HEADER_CRC_OFFSET)) {
            throw corrupt(file, 0, "fails its CRC32C check");
        }
        int blockCount = mapped.get(INT_LE, BLOCK_COUNT_OFFSET);
        if (blockCount != BLOCK_COUNT) {
            throw corrupt(file, BLOCK_COUNT_OFFSET, "lists " + blockCount + " blocks, expected " + BLOCK_COUNT);
        }
        int dimension = mapped.get(INT_LE, DIMENSION_OFFSET);
        if (dimension < 1 || dimension > IndexSpec.MAX_DIMENSION) {
            throw corrupt(file, DIMENSION_OFFSET, "has dimension " + dimension + ", expected 1.."
                    + IndexSpec.MAX_DIMENSION);
        }
        Metric metric = metric(file, mapped.get(INT_LE, METRIC_OFFSET));
        long count = mapped.get(LONG_LE, COUNT_OFFSET);
        if (count < 1) {
            throw corrupt(file, COUNT_OFFSET, "has row count " + count + ", expected at least 1");
        }
        long minVersion = mapped.get(LONG_LE, MIN_VERSION_OFFSET);
        long maxVersion = mapped.get(LONG_LE, MAX_VERSION_OFFSET);
        if (minVersion > maxVersion) {
            throw corrupt(file, MIN_VERSION_OFFSET, "has min version " + minVersion + " above max version "
                    + maxVersion);
        }
        BlockEntry[] blocks = new BlockEntry[BLOCK_COUNT];
        for (Block b : Block.values()) {
            int at = b.entryOffset();
            blocks[b.ordinal()] = new BlockEntry(b,
                    mapped.get(LONG_LE, at + BLOCK_FILE_OFFSET_OFFSET),
                    mapped.get(LONG_LE, at + BLOCK_STORED_LENGTH_OFFSET),
                    mapped.get(LONG_LE, at + BLOCK_UNCOMPRESSED_LENGTH_OFFSET),
                    mapped.get(INT_LE, at + BLOCK_CODEC_OFFSET),
                    mapped.get(INT_LE, at + BLOCK_CRC_OFFSET));
        }
        return new SegmentHeader(dimension, metric, count, mapped.get(LONG_LE, CREATED_AT_OFFSET), minVersion,
                maxVersion, List.of(blocks));
    }

    private static Metric metric(Path file, int code) throws SegmentCorruptException {
        try {
            return Metric.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new SegmentCorruptException(file, "header", METRIC_OFFSET, "has unknown metric code " + code, e);
        }
    }

    private static SegmentCorruptException corrupt(Path file, long offset, String reason) {
        return new SegmentCorruptException(file, "header", offset, reason);
    }
}
