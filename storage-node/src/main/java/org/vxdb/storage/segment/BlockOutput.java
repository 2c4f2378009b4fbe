package org.vxdb.storage.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;
import org.vxdb.storage.segment.SegmentDescriptor.Block;

/**
 * Appends blocks to a segment file being written, one after the other at aligned offsets, and
 * checksums each block's bytes as they go out so no block is read twice.
 */
final class BlockOutput {

    private static final ByteBuffer ZEROS = ByteBuffer.allocate(SegmentDescriptor.BLOCK_ALIGNMENT).asReadOnlyBuffer();

    private final FileChannel channel;
    private long position;
    private long blockStart = -1;
    private final CRC32C crc = new CRC32C();

    BlockOutput(FileChannel channel, long position) {
        this.channel = channel;
        this.position = position;
    }

    long position() {
        return position;
    }

    /** Pads with zeros to the next aligned offset and starts a block there. */
    void beginBlock() throws IOException {
        long aligned = SegmentDescriptor.alignBlock(position);
        writeFully(ZEROS.duplicate().limit((int) (aligned - position)));
        blockStart = position;
        crc.reset();
    }

    /** Appends {@code bytes} (position to limit) to the current block. */
    void write(ByteBuffer bytes) throws IOException {
        crc.update(bytes.duplicate());
        writeFully(bytes);
    }

    /** Ends the current block and describes it for the block table. */
    BlockEntry endBlock(Block block, long uncompressedLength) {
        BlockEntry entry = new BlockEntry(block, blockStart, position - blockStart, uncompressedLength,
                block.codec(), (int) crc.getValue());
        blockStart = -1;
        return entry;
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
    }
}
