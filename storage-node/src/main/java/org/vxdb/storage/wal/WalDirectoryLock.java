package org.vxdb.storage.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An exclusive lock on {@code wal.lock}, so two writers never append to one WAL directory. */
final class WalDirectoryLock implements AutoCloseable {

    private final FileChannel channel;

    private WalDirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    static WalDirectoryLock acquire(Path dir) {
        Path lockFile = dir.resolve(WalFiles.LOCK_FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw alreadyOpen(dir);
            }
            return new WalDirectoryLock(channel);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw alreadyOpen(dir);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock WAL directory " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static IllegalStateException alreadyOpen(Path dir) {
        return new IllegalStateException("WAL directory " + dir + " is already open");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing releases the lock; a failure here leaves nothing we could retry.
        }
    }
}
