package org.vxdb.storage.wal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.spi.IndexFiles;
import org.vxdb.storage.observe.StorageListener;

/**
 * The single thread that writes the WAL. Appenders enqueue copies of their payloads; each duty cycle
 * drains everything queued, assigns LSNs, writes the frames with as few write calls as the staging
 * buffer allows and covers them with one fsync (group commit), then completes their futures.
 *
 * <p>Fields without {@code volatile} belong to the writer thread. Futures are completed on it, so
 * dependent stages registered without an executor run there too.
 */
final class WalWriter implements Agent {

    static final int QUEUE_CAPACITY = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(WalWriter.class);
    private static final int STAGING_BYTES = 256 * 1024;
    private static final long QUEUE_FULL_PARK_NANOS = 50_000;
    /** Safety net only: appenders and close wake a parked writer. */
    private static final long IDLE_PARK_NANOS = 100_000_000;
    private static final long FINISHED_PARK_NANOS = 1_000_000;

    private final Path dir;
    private final FsyncPolicy policy;
    private final long batchWindowNanos;
    private final long maxFileBytes;
    private final WalChannelFactory channels;
    private final ConcurrentLinkedDeque<WalFile> closedFiles;
    /** Guarded by the caller: a callback that throws must not fail the WAL. */
    private final StorageListener listener;

    /*
     * A JDK queue rather than Agrona's ManyToOneConcurrentArrayQueue: Agrona 2.x reaches
     * jdk.internal.misc.Unsafe, which needs --add-exports java.base/jdk.internal.misc=ALL-UNNAMED on
     * every JVM that runs the node. The bound is kept by hand in queued.
     */
    private final ConcurrentLinkedQueue<PendingAppend> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Appenders between their closed check and their enqueue; close waits for them to finish. */
    private final AtomicInteger admitting = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private volatile Throwable failure;
    private volatile Thread writerThread;
    /** Set while the writer parks; appenders that see it unpark the writer. */
    private volatile boolean sleeping;
    private volatile long writtenLsn;
    private volatile long durableLsn;
    private volatile long appends;
    private volatile long bytes;
    private volatile long fsyncs;
    private volatile long fsyncNanos;

    private final ArrayDeque<PendingAppend> unacknowledged = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer lsnBytes = ByteBuffer.allocate(Long.BYTES).order(WalRecordDescriptor.BYTE_ORDER);
    private Arena stagingArena;
    private ByteBuffer staging;

    private FileChannel channel;
    private Path activeFile;
    private long activeFirstLsn;
    /** Bytes of the active file, including those still in the staging buffer. */
    private long activeBytes;
    /** Bytes of the active file handed to write(). */
    private long flushedBytes;
    private long nextLsn;
    /** LSN of the last record completely in the staging buffer or the file. */
    private long stagedLsn;
    private long lastFsyncStartNanos;
    private boolean finished;

    WalWriter(Path dir, WalConfig config, WalChannelFactory channels, ConcurrentLinkedDeque<WalFile> closedFiles,
              FileChannel channel, Path activeFile, long activeFirstLsn, long activeBytes, long nextLsn,
              StorageListener listener) {
        this.dir = dir;
        this.listener = listener;
        this.policy = config.policy();
        this.batchWindowNanos = config.batchWindow().toNanos();
        this.maxFileBytes = config.maxFileBytes();
        this.channels = channels;
        this.closedFiles = closedFiles;
        this.channel = channel;
        this.activeFile = activeFile;
        this.activeFirstLsn = activeFirstLsn;
        this.activeBytes = activeBytes;
        this.flushedBytes = activeBytes;
        this.nextLsn = nextLsn;
        this.stagedLsn = nextLsn - 1;
        this.writtenLsn = nextLsn - 1;
        this.durableLsn = nextLsn - 1;
        this.lastFsyncStartNanos = System.nanoTime() - batchWindowNanos;
    }

    @Override
    public String roleName() {
        return "vxdb-wal-writer";
    }

    /**
     * Makes the recovered records durable before the WAL reports them as such: the process that wrote
     * them may have died before its fsync while the OS kept their pages. Called before the thread starts.
     */
    void syncRecovered() throws IOException {
        force();
    }

    // ---- appender side (any thread) ----

    CompletableFuture<Long> submit(byte[] payload) {
        PendingAppend append = new PendingAppend(payload);
        admitting.incrementAndGet();
        try {
            checkAccepting();
            while (queued.getAndIncrement() >= QUEUE_CAPACITY) {
                queued.decrementAndGet();
                if (Thread.currentThread() == writerThread) {
                    throw new IllegalStateException("WAL queue is full; the WAL writer thread cannot wait for itself");
                }
                LockSupport.parkNanos(QUEUE_FULL_PARK_NANOS);
            }
            queue.offer(append);
            wakeIfSleeping();
        } finally {
            admitting.decrementAndGet();
        }
        return append.future;
    }

    void checkAccepting() {
        if (closed.get()) {
            throw new IllegalStateException("WAL is closed");
        }
        Throwable cause = failure;
        if (cause != null) {
            throw new IllegalStateException("WAL failed and must be reopened: " + cause.getMessage(), cause);
        }
    }

    boolean isWriterThread() {
        return Thread.currentThread() == writerThread;
    }

    /** Stops accepting appends; the writer drains, fsyncs and completes {@link #terminated()}. */
    boolean requestClose() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        LockSupport.unpark(writerThread);
        return true;
    }

    private void wakeIfSleeping() {
        if (sleeping) {
            LockSupport.unpark(writerThread);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    CompletableFuture<Void> terminated() {
        return terminated;
    }

    long lastLsn() {
        return writtenLsn;
    }

    long durableLsn() {
        return durableLsn;
    }

    WalStats stats() {
        return new WalStats(appends, bytes, fsyncs, fsyncNanos);
    }

    // ---- writer thread ----

    @Override
    public void onStart() {
        writerThread = Thread.currentThread();
        stagingArena = Arena.ofConfined();
        staging = stagingArena.allocate(STAGING_BYTES, WalRecordDescriptor.ALIGNMENT)
                .asByteBuffer().order(WalRecordDescriptor.BYTE_ORDER);
    }

    @Override
    public int doWork() {
        if (finished) {
            return 0;
        }
        int work;
        if (failure != null) {
            work = failQueued();
        } else {
            try {
                work = writeQueued() + syncIfDue();
            } catch (IOException e) {
                fail(e);
                work = 1;
            }
        }
        // Order matters: closed first, then admitting, then the queue (see submit).
        if (closed.get() && admitting.get() == 0 && queue.isEmpty()) {
            finish();
        }
        return work;
    }

    /**
     * Parks the writer until an appender or close wakes it, or a BATCH fsync falls due. Announcing
     * {@code sleeping} before checking for work pairs with the enqueue-then-check in {@link #submit},
     * so a wake-up is never lost.
     */
    void parkUntilWorkOrDue() {
        long nanos = nanosUntilDue();
        if (nanos <= 0) {
            return;
        }
        sleeping = true;
        if (queue.isEmpty() && !(closed.get() && !finished)) {
            LockSupport.parkNanos(this, nanos);
        }
        sleeping = false;
    }

    private long nanosUntilDue() {
        if (finished) {
            return FINISHED_PARK_NANOS;
        }
        if (policy == FsyncPolicy.BATCH && writtenLsn != durableLsn) {
            return lastFsyncStartNanos + batchWindowNanos - System.nanoTime();
        }
        return IDLE_PARK_NANOS;
    }

    @Override
    public void onClose() {
        if (!finished) {
            fail(new IllegalStateException("WAL writer stopped before the WAL was closed"));
            finish();
        }
    }

    /** The AgentRunner's error handler: anything unexpected on the writer thread makes the WAL unusable. */
    void onUnexpectedError(Throwable error) {
        LOG.error("Unexpected error on the WAL writer thread for {}", dir, error);
        if (!finished) {
            fail(error);
        }
    }

    private int writeQueued() throws IOException {
        int count = 0;
        long bytesBefore = bytes;
        PendingAppend append;
        while (count < QUEUE_CAPACITY && (append = poll()) != null) {
            writeRecord(append);
            count++;
        }
        if (count > 0) {
            flush();
            listener.walAppended(count, bytes - bytesBefore);
            if (policy == FsyncPolicy.NONE) {
                acknowledgeUpTo(writtenLsn);
            }
        }
        return count;
    }

    private int syncIfDue() throws IOException {
        if (writtenLsn == durableLsn) {
            return 0;
        }
        boolean due = switch (policy) {
            case ALWAYS -> true;
            case BATCH -> System.nanoTime() - lastFsyncStartNanos >= batchWindowNanos;
            case NONE -> false;
        };
        if (!due) {
            return 0;
        }
        force();
        return 1;
    }

    private PendingAppend poll() {
        PendingAppend append = queue.poll();
        if (append != null) {
            queued.decrementAndGet();
        }
        return append;
    }

    private void writeRecord(PendingAppend append) throws IOException {
        append.lsn = nextLsn++;
        // Tracked before any I/O, so a failure below fails this append's future too.
        unacknowledged.add(append);
        int frameLength = WalRecordDescriptor.frameLength(append.payload.length);
        if (activeBytes > 0 && activeBytes + frameLength > maxFileBytes) {
            rotate(append.lsn);
        }
        stage(append, frameLength);
        stagedLsn = append.lsn;
    }

    private void stage(PendingAppend append, int frameLength) throws IOException {
        byte[] payload = append.payload;
        ensureStagingRoom(WalRecordDescriptor.HEADER_LENGTH);
        staging.putInt(payload.length).putInt(checksum(append.lsn, payload)).putLong(append.lsn);
        int copied = 0;
        while (copied < payload.length) {
            ensureStagingRoom(1);
            int chunk = Math.min(staging.remaining(), payload.length - copied);
            staging.put(payload, copied, chunk);
            copied += chunk;
        }
        int padding = frameLength - WalRecordDescriptor.HEADER_LENGTH - payload.length;
        ensureStagingRoom(padding);
        for (int i = 0; i < padding; i++) {
            staging.put((byte) 0);
        }
        activeBytes += frameLength;
        appends = appends + 1;
        bytes = bytes + frameLength;
    }

    private int checksum(long lsn, byte[] payload) {
        crc.reset();
        crc.update(lsnBytes.clear().putLong(lsn).flip());
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    private void ensureStagingRoom(int needed) throws IOException {
        if (staging.remaining() < needed) {
            flush();
        }
    }

    private void flush() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            flushedBytes += channel.write(staging, flushedBytes);
        }
        staging.clear();
        writtenLsn = stagedLsn;
    }

    private void force() throws IOException {
        long start = System.nanoTime();
        channel.force(false);
        long end = System.nanoTime();
        lastFsyncStartNanos = start;
        fsyncs = fsyncs + 1;
        fsyncNanos = fsyncNanos + (end - start);
        durableLsn = writtenLsn;
        listener.walFsync(end - start); // before the acknowledgements, so a writer that returns has been counted
        acknowledgeUpTo(durableLsn);
    }

    /** Seals the active file (write, fsync, close) and continues in a new one named for {@code firstLsn}. */
    private void rotate(long firstLsn) throws IOException {
        flush();
        force();
        channel.close();
        closedFiles.addLast(new WalFile(activeFile, activeFirstLsn, writtenLsn));
        Path next = dir.resolve(WalFiles.fileName(firstLsn));
        channel = channels.open(next, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        IndexFiles.fsyncDirectory(dir);
        activeFile = next;
        activeFirstLsn = firstLsn;
        activeBytes = 0;
        flushedBytes = 0;
        LOG.debug("WAL rotated to {}", next);
    }

    private void acknowledgeUpTo(long lsn) {
        PendingAppend append;
        while ((append = unacknowledged.peekFirst()) != null && append.lsn <= lsn) {
            unacknowledged.pollFirst();
            append.future.complete(append.lsn);
        }
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
            LOG.error("WAL in {} failed; it rejects appends until it is reopened", dir, cause);
        }
        PendingAppend append;
        while ((append = unacknowledged.pollFirst()) != null) {
            append.future.completeExceptionally(cause);
        }
        failQueued();
    }

    private int failQueued() {
        int count = 0;
        PendingAppend append;
        while ((append = poll()) != null) {
            append.future.completeExceptionally(failure);
            count++;
        }
        return count;
    }

    private void finish() {
        finished = true;
        IOException closeFailure = null;
        if (failure == null) {
            try {
                flush();
                if (writtenLsn != durableLsn) {
                    force();
                }
            } catch (IOException e) {
                fail(e);
                closeFailure = e;
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            if (closeFailure == null) {
                closeFailure = e;
            } else {
                closeFailure.addSuppressed(e);
            }
        }
        stagingArena.close();
        if (closeFailure != null) {
            terminated.completeExceptionally(closeFailure);
        } else {
            terminated.complete(null);
        }
    }

    private static final class PendingAppend {
        final byte[] payload;
        final CompletableFuture<Long> future = new CompletableFuture<>();
        long lsn;

        PendingAppend(byte[] payload) {
            this.payload = payload;
        }
    }
}
