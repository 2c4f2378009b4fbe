package org.vxdb.storage.segment;

import static org.vxdb.storage.segment.SegmentDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.vxdb.storage.segment.SegmentDescriptor.Block;

/**
 * Checks everything in a mapped segment file beyond its header, so that after {@link #verify}
 * every byte of the file is accounted for: each block sits at the one offset the format allows,
 * holds the length its row count implies and matches its CRC32C; padding is zero; nothing trails
 * the last block; the metadata offsets and version range agree with the data.
 */
final class SegmentVerifier {

    /** Checksummed per step: {@link CRC32C#update(java.nio.ByteBuffer)} takes int lengths. */
    private static final int CRC_STEP = 1 << 26;

    private SegmentVerifier() {
    }

    static void verify(Path file, SegmentHeader header, MemorySegment mapped) throws SegmentCorruptException {
        checkPlacement(file, header, mapped.byteSize());
        checkPadding(file, header, mapped);
        for (BlockEntry e : header.blocks()) {
            if (crc(mapped.asSlice(e.offset(), e.storedLength())) != e.crc()) {
                throw e.corrupt(file, "fails its CRC32C check");
            }
        }
        checkVersions(file, header, mapped);
        checkMetadataOffsets(file, header, mapped);
    }

    private static void checkPlacement(Path file, SegmentHeader header, long fileSize)
            throws SegmentCorruptException {
        String previous = "header";
        long previousEnd = HEADER_LENGTH;
        for (BlockEntry e : header.blocks()) {
            if (e.codec() != e.block().codec()) {
                throw e.corrupt(file, "has codec " + e.codec() + ", expected " + e.block().codec());
            }
            if (e.offset() % BLOCK_ALIGNMENT != 0) {
                throw e.corrupt(file, "is not " + BLOCK_ALIGNMENT + "-byte aligned");
            }
            if (e.offset() != alignBlock(previousEnd)) {
                throw e.corrupt(file, "should start at offset " + alignBlock(previousEnd)
                        + ", the first aligned offset after the " + previous + ", which ends at " + previousEnd);
            }
            checkLength(file, header, e);
            if (e.storedLength() > fileSize - e.offset()) {
                throw e.corrupt(file, "ends at offset " + (e.offset() + e.storedLength()) + ", past the end of the "
                        + fileSize + "-byte file");
            }
            previous = e.part();
            previousEnd = e.end();
        }
        if (previousEnd != fileSize) {
            BlockEntry last = header.blocks().getLast();
            throw last.corrupt(file, "ends at offset " + previousEnd + ", but the file is " + fileSize
                    + " bytes long");
        }
    }

    private static void checkLength(Path file, SegmentHeader header, BlockEntry e) throws SegmentCorruptException {
        if (e.storedLength() < 0 || e.uncompressedLength() < 0) {
            throw e.corrupt(file, "has negative length " + Math.min(e.storedLength(), e.uncompressedLength()));
        }
        if (e.codec() == CODEC_RAW) {
            long expected = rawLength(file, header, e.block());
            if (e.storedLength() != expected || e.uncompressedLength() != expected) {
                throw e.corrupt(file, "holds " + e.storedLength() + " bytes (" + e.uncompressedLength()
                        + " uncompressed), expected " + expected + " for " + header.count() + " rows");
            }
        } else {
            long chunks = (e.storedLength() + LZ4_CHUNK_HEADER_LENGTH) / (LZ4_CHUNK_HEADER_LENGTH + 1);
            if (e.uncompressedLength() > chunks * LZ4_CHUNK_LENGTH) {
                throw e.corrupt(file, "claims " + e.uncompressedLength() + " uncompressed bytes, more than its "
                        + e.storedLength() + " stored bytes can hold");
            }
        }
    }

    private static long rawLength(Path file, SegmentHeader header, Block block) throws SegmentCorruptException {
        long count = header.count();
        try {
            return switch (block) {
                case VECTORS -> vectorBytes(count, header.dimension());
                case IDS, VERSIONS -> Math.multiplyExact(count, (long) Long.BYTES);
                case FLAGS -> count;
                case METADATA_OFFSETS -> Math.multiplyExact(Math.addExact(count, 1L), (long) Long.BYTES);
                case METADATA -> throw new IllegalStateException("METADATA is not a raw block");
            };
        } catch (ArithmeticException e) {
            throw new SegmentCorruptException(file, "header", COUNT_OFFSET, "has row count " + count
                    + ", too large for dimension " + header.dimension(), e);
        }
    }

    private static void checkPadding(Path file, SegmentHeader header, MemorySegment mapped)
            throws SegmentCorruptException {
        long previousEnd = HEADER_LENGTH;
        for (BlockEntry e : header.blocks()) {
            for (long at = previousEnd; at < e.offset(); at++) {
                if (mapped.get(ValueLayout.JAVA_BYTE, at) != 0) {
                    throw new SegmentCorruptException(file, "padding before the " + e.part(), at, "is not zero");
                }
            }
            previousEnd = e.end();
        }
    }

    private static void checkVersions(Path file, SegmentHeader header, MemorySegment mapped)
            throws SegmentCorruptException {
        BlockEntry e = header.block(Block.VERSIONS);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long r = 0; r < header.count(); r++) {
            long v = mapped.get(LONG_LE, e.offset() + r * Long.BYTES);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (min != header.minVersion() || max != header.maxVersion()) {
            throw e.corrupt(file, "holds versions " + min + ".." + max + ", the header says " + header.minVersion()
                    + ".." + header.maxVersion());
        }
    }

    private static void checkMetadataOffsets(Path file, SegmentHeader header, MemorySegment mapped)
            throws SegmentCorruptException {
        BlockEntry e = header.block(Block.METADATA_OFFSETS);
        long first = mapped.get(LONG_LE, e.offset());
        if (first != 0) {
            throw entry(file, e.offset(), "for row 0 is " + first + ", expected 0");
        }
        long previous = 0;
        for (long r = 1; r <= header.count(); r++) {
            long at = e.offset() + r * Long.BYTES;
            long next = mapped.get(LONG_LE, at);
            if (next < previous) {
                throw entry(file, at, "for row " + r + " is " + next + ", below " + previous + " for row " + (r - 1));
            }
            previous = next;
        }
        long metadataLength = header.block(Block.METADATA).uncompressedLength();
        if (previous != metadataLength) {
            throw entry(file, e.offset() + header.count() * Long.BYTES, "for the end is " + previous
                    + ", but the METADATA block holds " + metadataLength + " bytes uncompressed");
        }
    }

    private static SegmentCorruptException entry(Path file, long offset, String reason) {
        return new SegmentCorruptException(file, "METADATA_OFFSETS entry", offset, reason);
    }

    private static int crc(MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        for (long pos = 0; pos < bytes.byteSize(); pos += CRC_STEP) {
            crc.update(bytes.asSlice(pos, Math.min(CRC_STEP, bytes.byteSize() - pos)).asByteBuffer());
        }
        return (int) crc.getValue();
    }
}
