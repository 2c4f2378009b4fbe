package org.vxdb.storage.segment;

import static org.vxdb.storage.segment.SegmentDescriptor.HEADER_LENGTH;
import static org.vxdb.storage.segment.SegmentDescriptor.LONG_LE;
import static org.vxdb.storage.segment.SegmentDescriptor.TEMP_SUFFIX;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.index.spi.IndexFiles;
import org.vxdb.storage.segment.SegmentDescriptor.Block;

/**
 * Writes a segment file (docs/segment-format.md). The file is built as {@code target + ".tmp"}:
 * blocks are streamed through a small off-heap staging buffer (no column is ever copied whole), the
 * header goes in last, the file is forced to disk, renamed atomically over the target name and
 * the directory fsynced. A crash leaves either no segment or a complete one, plus at most a stale
 * {@code .tmp} that nothing references.
 */
public final class SegmentWriter {

    /** Bytes copied, checksummed and written per step; also the largest uncompressed LZ4 chunk. */
    private static final int STAGING_LENGTH = SegmentDescriptor.LZ4_CHUNK_LENGTH;

    private SegmentWriter() {
    }

    /** Writes {@code data} to {@code target}, stamped with the current time. */
    public static void write(Path target, SegmentData data) throws IOException {
        write(target, data, System.currentTimeMillis());
    }

    /**
     * Writes {@code data} to {@code target}, a file that must not exist yet (segments are
     * immutable; a new one gets a new name). The directory must exist.
     *
     * @throws FileAlreadyExistsException if {@code target} exists
     * @throws IOException                if writing, forcing or renaming fails; the temp file is removed
     */
    public static void write(Path target, SegmentData data, long createdAtMillis) throws IOException {
        if (data == null) {
            throw new IllegalArgumentException("segment data is required");
        }
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path tmp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "segment files are immutable");
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING); Arena scratch = Arena.ofConfined()) {
                List<BlockEntry> blocks = writeBlocks(ch, data, scratch);
                SegmentHeader header = new SegmentHeader(data.dimension(), data.metric(), data.count(),
                        createdAtMillis, min(data.versions()), max(data.versions()), blocks);
                ByteBuffer bytes = header.encode();
                while (bytes.hasRemaining()) {
                    ch.write(bytes, bytes.position());
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            IndexFiles.fsyncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp, e);
            if (e instanceof AtomicMoveNotSupportedException) {
                throw new IOException("cannot write segment " + file + ": the file system cannot rename atomically", e);
            }
            throw e;
        }
    }

    private static List<BlockEntry> writeBlocks(FileChannel ch, SegmentData data, Arena scratch) throws IOException {
        MemorySegment staging = scratch.allocate(STAGING_LENGTH, SegmentDescriptor.BLOCK_ALIGNMENT);
        BlockOutput out = new BlockOutput(ch, HEADER_LENGTH);
        List<BlockEntry> blocks = new ArrayList<>(SegmentDescriptor.BLOCK_COUNT);
        blocks.add(writeRaw(out, Block.VECTORS, data.vectors(), staging));
        blocks.add(writeRaw(out, Block.IDS, data.ids(), staging));
        blocks.add(writeRaw(out, Block.VERSIONS, data.versions(), staging));
        blocks.add(writeRaw(out, Block.FLAGS, data.flags(), staging));
        blocks.add(writeRaw(out, Block.METADATA_OFFSETS, data.metadataOffsets(), staging));
        out.beginBlock();
        Lz4Chunks.compress(data.metadata(), staging, out, scratch);
        blocks.add(out.endBlock(Block.METADATA, data.metadata().byteSize()));
        return blocks;
    }

    private static BlockEntry writeRaw(BlockOutput out, Block block, MemorySegment column, MemorySegment staging)
            throws IOException {
        out.beginBlock();
        long length = column.byteSize();
        for (long pos = 0; pos < length; pos += staging.byteSize()) {
            int n = (int) Math.min(staging.byteSize(), length - pos);
            MemorySegment.copy(column, pos, staging, 0, n);
            out.write(staging.asByteBuffer().limit(n));
        }
        return out.endBlock(block, length);
    }

    private static long min(MemorySegment versions) {
        long min = Long.MAX_VALUE;
        for (long i = 0, n = versions.byteSize() / Long.BYTES; i < n; i++) {
            min = Math.min(min, versions.getAtIndex(LONG_LE, i));
        }
        return min;
    }

    private static long max(MemorySegment versions) {
        long max = Long.MIN_VALUE;
        for (long i = 0, n = versions.byteSize() / Long.BYTES; i < n; i++) {
            max = Math.max(max, versions.getAtIndex(LONG_LE, i));
        }
        return max;
    }

    private static void deleteQuietly(Path tmp, Exception cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
