package org.vxdb.storage.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.spi.IndexFiles;
import org.vxdb.storage.observe.GuardedStorageListener;
import org.vxdb.storage.observe.StorageListener;

/**
 * The write-ahead log of a storage node: opaque payloads framed with length and CRC32C, numbered with
 * strictly increasing LSNs, group-committed by one writer thread and fsynced per {@link FsyncPolicy}.
 * The format and the recovery rules are in docs/wal-format.md.
 *
 * <p>All methods are thread-safe.
 */
public final class WriteAheadLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

    private final Path dir;
    private final int maxRecordBytes;
    private final WalWriter writer;
    private final AgentRunner runner;
    private final WalDirectoryLock lock;
    private final ConcurrentLinkedDeque<WalFile> closedFiles;
    private final ReentrantLock releaseLock = new ReentrantLock();

    private WriteAheadLog(Path dir, WalConfig config, WalWriter writer, AgentRunner runner, WalDirectoryLock lock,
                          ConcurrentLinkedDeque<WalFile> closedFiles) {
        this.dir = dir;
        this.maxRecordBytes = config.maxRecordBytes();
        this.writer = writer;
        this.runner = runner;
        this.lock = lock;
        this.closedFiles = closedFiles;
    }

    /**
     * Opens (or creates) the WAL in {@code dir}: replays every record with an LSN above
     * {@code replayAfterLsn} to {@code handler} in LSN order, cuts a torn tail off the last file, and
     * starts the writer. Appends continue after the last valid LSN (or after {@code replayAfterLsn},
     * whichever is higher).
     *
     * @throws WalCorruptionException if a record is damaged anywhere but at the tail of the last file,
     *                                or LSNs do not increase strictly
     * @throws IllegalStateException  if another open WAL holds the directory
     */
    public static WriteAheadLog open(Path dir, WalConfig config, long replayAfterLsn, WalReplayHandler handler) {
        return open(dir, config, replayAfterLsn, handler, StorageListener.NONE);
    }

    /** As {@link #open(Path, WalConfig, long, WalReplayHandler)}, reporting fsyncs and appends to {@code listener}. */
    public static WriteAheadLog open(Path dir, WalConfig config, long replayAfterLsn, WalReplayHandler handler,
                                     StorageListener listener) {
        return open(dir, config, replayAfterLsn, handler, WalChannelFactory.DEFAULT, listener);
    }

    static WriteAheadLog open(Path dir, WalConfig config, long replayAfterLsn, WalReplayHandler handler,
                              WalChannelFactory channels) {
        return open(dir, config, replayAfterLsn, handler, channels, StorageListener.NONE);
    }

    static WriteAheadLog open(Path dir, WalConfig config, long replayAfterLsn, WalReplayHandler handler,
                              WalChannelFactory channels, StorageListener listener) {
        StorageListener guarded = GuardedStorageListener.guard(listener);
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(channels, "channels");
        if (replayAfterLsn < 0) {
            throw new IllegalArgumentException("replayAfterLsn must not be negative: " + replayAfterLsn);
        }
        createDirectory(dir);
        WalDirectoryLock lock = WalDirectoryLock.acquire(dir);
        FileChannel channel = null;
        try {
            WalRecovery.Result recovered = WalRecovery.recover(dir, replayAfterLsn, handler);
            long nextLsn = nextLsn(dir, recovered, replayAfterLsn);
            Path activeFile;
            long activeFirstLsn;
            long activeBytes;
            if (recovered.lastFile() != null) {
                activeFile = recovered.lastFile().path();
                activeFirstLsn = recovered.lastFile().firstLsn();
                activeBytes = recovered.lastFileBytes();
                channel = channels.open(activeFile, EnumSet.of(StandardOpenOption.WRITE));
            } else {
                activeFile = dir.resolve(WalFiles.fileName(nextLsn));
                activeFirstLsn = nextLsn;
                activeBytes = 0;
                channel = channels.open(activeFile, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                IndexFiles.fsyncDirectory(dir);
            }
            ConcurrentLinkedDeque<WalFile> closedFiles = new ConcurrentLinkedDeque<>(recovered.closedFiles());
            WalWriter writer = new WalWriter(dir, config, channels, closedFiles, channel, activeFile,
                    activeFirstLsn, activeBytes, nextLsn, guarded);
            writer.syncRecovered();
            AgentRunner runner = new AgentRunner(
                    new WalWriterIdleStrategy(writer), writer::onUnexpectedError, null, writer);
            AgentRunner.startOnThread(runner, task -> {
                Thread thread = new Thread(task);
                thread.setDaemon(true);
                return thread;
            });
            LOG.info("WAL {} opened: {} files, next LSN {}, policy {}",
                    dir, closedFiles.size() + 1, nextLsn, config.policy());
            return new WriteAheadLog(dir, config, writer, runner, lock, closedFiles);
        } catch (IOException e) {
            closeOnFailedOpen(channel, lock, e);
            throw new UncheckedIOException("cannot open WAL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeOnFailedOpen(channel, lock, e);
            throw e;
        }
    }

    /**
     * Appends a record and returns its LSN once it is durable per the {@link FsyncPolicy}.
     *
     * @throws IllegalArgumentException if the payload is empty or larger than {@code maxRecordBytes}
     * @throws IllegalStateException    if the WAL is closed or failed earlier
     * @throws UncheckedIOException     if writing or fsyncing this record failed; the WAL is then unusable
     */
    public long append(MemorySegment payload) {
        checkNotWriterThread();
        return await(appendAsync(payload));
    }

    /**
     * As {@link #append(MemorySegment)}, taking the array itself rather than a copy: the caller must
     * not change it afterwards (it is written from another thread). Saves a copy of every record.
     */
    public long appendOwned(byte[] payload) {
        checkNotWriterThread();
        Objects.requireNonNull(payload, "payload");
        checkSize(payload.length);
        writer.checkAccepting();
        return await(writer.submit(payload));
    }

    private void checkNotWriterThread() {
        if (writer.isWriterThread()) {
            throw new IllegalStateException(
                    "append called on the WAL writer thread (from a future callback?) would deadlock; use appendAsync");
        }
    }

    private long await(CompletableFuture<Long> lsn) {
        try {
            return lsn.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("cannot append to WAL in " + dir + ": " + io.getMessage(), io);
            }
            throw new IllegalStateException("cannot append to WAL in " + dir + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * Queues a record and returns a future of its LSN, completed once the record is durable per the
     * {@link FsyncPolicy}, or completed exceptionally with the {@link IOException} that made the WAL
     * unusable. The payload is copied before this method returns. The future is completed on the WAL
     * writer thread: attach slow work with the {@code *Async} stages.
     *
     * @throws IllegalArgumentException if the payload is empty or larger than {@code maxRecordBytes}
     * @throws IllegalStateException    if the WAL is closed or failed earlier
     */
    public CompletableFuture<Long> appendAsync(MemorySegment payload) {
        Objects.requireNonNull(payload, "payload");
        checkSize(payload.byteSize());
        writer.checkAccepting();
        return writer.submit(payload.toArray(ValueLayout.JAVA_BYTE));
    }

    private void checkSize(long size) {
        if (size == 0) {
            throw new IllegalArgumentException("payload must not be empty");
        }
        if (size > maxRecordBytes) {
            throw new IllegalArgumentException(
                    "payload of " + size + " bytes exceeds maxRecordBytes (" + maxRecordBytes + ")");
        }
    }

    /**
     * Deletes every WAL file, except the one being written, all of whose records have an LSN at most
     * {@code lsn}, oldest first, then fsyncs the directory.
     */
    public void releaseUpTo(long lsn) {
        if (writer.isClosed()) {
            throw new IllegalStateException("WAL is closed");
        }
        releaseLock.lock();
        try {
            int deleted = 0;
            WalFile oldest;
            while ((oldest = closedFiles.peekFirst()) != null && oldest.lastLsn() <= lsn) {
                Files.deleteIfExists(oldest.path());
                closedFiles.pollFirst();
                deleted++;
            }
            if (deleted > 0) {
                IndexFiles.fsyncDirectory(dir);
                LOG.info("Released {} WAL files in {} up to LSN {}", deleted, dir, lsn);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot release WAL files in " + dir + " up to LSN " + lsn + ": " + e.getMessage(), e);
        } finally {
            releaseLock.unlock();
        }
    }

    /**
     * LSN of the last record written to the file, durable or not. Before the first append, the last LSN
     * recovered or {@code replayAfterLsn}, whichever is higher.
     */
    public long lastLsn() {
        return writer.lastLsn();
    }

    /** LSN up to which every record is covered by an fsync. */
    public long durableLsn() {
        return writer.durableLsn();
    }

    public WalStats stats() {
        return writer.stats();
    }

    public Path directory() {
        return dir;
    }

    /**
     * Writes and fsyncs everything queued, completes its futures, stops the writer thread and releases
     * the directory. A second call does nothing.
     *
     * @throws UncheckedIOException if the final write or fsync failed
     */
    @Override
    public void close() {
        if (!writer.requestClose()) {
            writer.terminated().exceptionally(ignored -> null).join();
            return;
        }
        Throwable finalFailure = null;
        try {
            writer.terminated().join();
        } catch (CompletionException e) {
            finalFailure = e.getCause();
        } finally {
            runner.close();
            lock.close();
        }
        if (finalFailure instanceof IOException io) {
            throw new UncheckedIOException("cannot close WAL in " + dir + ": " + io.getMessage(), io);
        }
        if (finalFailure != null) {
            throw new IllegalStateException("cannot close WAL in " + dir + ": " + finalFailure.getMessage(),
                    finalFailure);
        }
    }

    private static long nextLsn(Path dir, WalRecovery.Result recovered, long replayAfterLsn) {
        long afterLog = recovered.lastLsn() + 1;
        if (recovered.lastFile() != null) {
            // An empty last file still names the LSN it was created for.
            afterLog = Math.max(afterLog, recovered.lastFile().firstLsn());
        }
        if (recovered.lastFile() != null && replayAfterLsn >= afterLog) {
            // E.g. policy NONE lost its page cache while a sealed segment survived: never reuse its LSNs.
            LOG.warn("WAL {} ends at LSN {}, but the caller has state up to LSN {}; appends continue at LSN {}",
                    dir, afterLog - 1, replayAfterLsn, replayAfterLsn + 1);
        }
        return Math.max(afterLog, replayAfterLsn + 1);
    }

    /** Creates {@code dir} if needed and makes its entry in the parent durable. */
    private static void createDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            Files.createDirectories(dir);
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                IndexFiles.fsyncDirectory(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create WAL directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void closeOnFailedOpen(FileChannel channel, WalDirectoryLock lock, Throwable failure) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        lock.close();
    }
}
