package org.vxdb.service.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced so that a crash leaves the old content or the new, never a mix: the one way the
 * storage engine (manifests, collection configs, metadata index files) and the backup tool
 * (manifests, completion markers, downloaded files) write a file that must survive.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code bytes}: write {@code <file>.tmp}, fsync, rename, fsync the directory. */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            moveAtomically(tmp, file);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /** Renames {@code from} over {@code to} in one step, or fails without touching either. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename " + from + " atomically", e);
        }
    }

    /** Makes the directory's entries (files created, renamed or deleted in it) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
