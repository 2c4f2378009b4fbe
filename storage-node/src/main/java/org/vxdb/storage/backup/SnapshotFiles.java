package org.vxdb.storage.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.vxdb.index.spi.IndexFiles;
import org.vxdb.storage.manifest.Manifest;
import org.vxdb.storage.metaindex.MetadataIndexFile;
import org.vxdb.storage.segment.Segment;

/**
 * The files of a shard snapshot: how they are linked into it, how each one's own checksums are
 * verified before it is streamed, and how a snapshot directory is removed.
 */
public final class SnapshotFiles {

    /** Checksummed per step: {@link CRC32C#update(java.nio.ByteBuffer)} takes int lengths. */
    private static final long CRC_STEP = 1 << 26;

    private SnapshotFiles() {
    }

    /**
     * Hard-links {@code source} as {@code target} (same file system: the shard directory holds its
     * snapshots); copies it where links are not supported. Published files are immutable, so the
     * link is the file as it was published, whatever the shard does next.
     */
    public static void link(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof NoSuchFileException) {
                throw (NoSuchFileException) e;
            }
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /**
     * Verifies the checksums a file carries itself: a segment's header and block CRCs, a metadata
     * index file's or buffer rows file's trailing CRC32C, a vector index file's header and payload
     * CRCs, the manifest's checksum line. Throws naming the file and the reason.
     */
    public static void verify(Path file) throws IOException {
        String name = file.getFileName().toString();
        try {
            if (name.equals(Manifest.FILE_NAME)) {
                Manifest.read(file.getParent());
            } else if (name.endsWith(".vxs")) {
                Segment.open(file).close();
            } else if (MetadataIndexFile.isIndexFile(name)) {
                checkTrailingCrc(file, "metadata index file");
            } else if (name.endsWith(".vxi")) {
                IndexFiles.read(file);
            } else if (name.equals(BufferRowsFile.NAME)) {
                BufferRowsFile.verify(file);
            } else {
                throw new IOException("snapshot file " + file + " is of no known kind");
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void checkTrailingCrc(Path file, String what) throws IOException {
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < Integer.BYTES) {
                throw new IOException(what + " " + file + " is unusable: it is " + size + " bytes");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            int stored = all.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                    size - Integer.BYTES);
            int computed = crc32c(all.asSlice(0, size - Integer.BYTES));
            if (stored != computed) {
                throw new IOException(what + " " + file + " is unusable: checksum mismatch (stored "
                        + String.format("%08x", stored) + ", computed " + String.format("%08x", computed) + ")");
            }
        }
    }

    /** CRC32C of {@code bytes}, of any length. */
    public static int crc32c(MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        for (long off = 0; off < bytes.byteSize(); off += CRC_STEP) {
            crc.update(bytes.asSlice(off, Math.min(CRC_STEP, bytes.byteSize() - off)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

}
