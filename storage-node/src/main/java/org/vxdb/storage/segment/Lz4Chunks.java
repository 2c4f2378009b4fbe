package org.vxdb.storage.segment;

import static org.vxdb.storage.segment.SegmentDescriptor.INT_LE;
import static org.vxdb.storage.segment.SegmentDescriptor.LZ4_CHUNK_HEADER_LENGTH;
import static org.vxdb.storage.segment.SegmentDescriptor.LZ4_CHUNK_LENGTH;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The LZ4 block stream of a compressed block: chunks of at most {@link
 * SegmentDescriptor#LZ4_CHUNK_LENGTH} uncompressed bytes, each an int32 uncompressed length, an
 * int32 compressed length and one LZ4 block. Chunking keeps every buffer small whatever the block
 * size, and LZ4's own block API is limited to int lengths.
 */
final class Lz4Chunks {

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    /** The safe decompressor bounds every write by the destination size, whatever the input. */
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

    private Lz4Chunks() {
    }

    /** Compresses {@code source} into the current block of {@code out}, staging through {@code staging}. */
    static void compress(MemorySegment source, MemorySegment staging, BlockOutput out, Arena scratch)
            throws IOException {
        int chunkLength = (int) Math.min(LZ4_CHUNK_LENGTH, staging.byteSize());
        int maxChunk = LZ4_CHUNK_HEADER_LENGTH + COMPRESSOR.maxCompressedLength(chunkLength);
        ByteBuffer compressed = scratch.allocate(maxChunk, Long.BYTES).asByteBuffer().order(INT_LE.order());
        long length = source.byteSize();
        for (long pos = 0; pos < length; pos += chunkLength) {
            int n = (int) Math.min(chunkLength, length - pos);
            MemorySegment.copy(source, pos, staging, 0, n);
            int c = COMPRESSOR.compress(staging.asByteBuffer(), 0, n, compressed, LZ4_CHUNK_HEADER_LENGTH,
                    maxChunk - LZ4_CHUNK_HEADER_LENGTH);
            compressed.clear();
            compressed.putInt(0, n).putInt(4, c).limit(LZ4_CHUNK_HEADER_LENGTH + c);
            out.write(compressed);
        }
    }

    /**
     * Decompresses the stored bytes of {@code entry} (already checksummed) into {@code target},
     * which is exactly as long as the entry's uncompressed length. Every chunk header is checked
     * against the block and the target before LZ4 sees it.
     */
    static void decompress(Path file, BlockEntry entry, MemorySegment stored, MemorySegment target)
            throws SegmentCorruptException {
        long pos = 0;
        long produced = 0;
        while (pos < stored.byteSize()) {
            long chunkOffset = entry.offset() + pos;
            if (stored.byteSize() - pos < LZ4_CHUNK_HEADER_LENGTH) {
                throw corrupt(file, entry, chunkOffset, "is cut short: " + (stored.byteSize() - pos)
                        + " bytes left in the block, a chunk header needs " + LZ4_CHUNK_HEADER_LENGTH);
            }
            int n = stored.get(INT_LE, pos);
            int c = stored.get(INT_LE, pos + 4);
            if (n < 1 || n > LZ4_CHUNK_LENGTH) {
                throw corrupt(file, entry, chunkOffset, "has uncompressed length " + n + ", expected 1.."
                        + LZ4_CHUNK_LENGTH);
            }
            if (c < 1 || c > stored.byteSize() - pos - LZ4_CHUNK_HEADER_LENGTH) {
                throw corrupt(file, entry, chunkOffset, "has compressed length " + c
                        + ", past the end of the block at offset " + entry.end());
            }
            if (n > target.byteSize() - produced) {
                throw corrupt(file, entry, chunkOffset, "decompresses past the " + target.byteSize()
                        + " bytes the block table promises");
            }
            ByteBuffer src = stored.asSlice(pos + LZ4_CHUNK_HEADER_LENGTH, c).asByteBuffer();
            ByteBuffer dst = target.asSlice(produced, n).asByteBuffer();
            int got;
            try {
                got = DECOMPRESSOR.decompress(src, 0, c, dst, 0, n);
            } catch (LZ4Exception e) {
                throw new SegmentCorruptException(file, chunkPart(entry), chunkOffset,
                        "cannot be decompressed: " + e.getMessage(), e);
            }
            if (got != n) {
                throw corrupt(file, entry, chunkOffset, "decompresses to " + got + " bytes, its header says " + n);
            }
            pos += LZ4_CHUNK_HEADER_LENGTH + c;
            produced += n;
        }
        if (produced != target.byteSize()) {
            throw entry.corrupt(file, "decompresses to " + produced + " bytes, the block table says "
                    + target.byteSize());
        }
    }

    private static String chunkPart(BlockEntry entry) {
        return entry.block().name() + " chunk";
    }

    private static SegmentCorruptException corrupt(Path file, BlockEntry entry, long chunkOffset, String reason) {
        return new SegmentCorruptException(file, chunkPart(entry), chunkOffset, reason);
    }
}
