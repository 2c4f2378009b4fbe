package org.vxdb.service.audit;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of a server: callers queue events, one writer thread encodes, chains and writes
 * them through an {@link AuditFile}. See {@link AuditLog} for what callers can count on.
 *
 * <p>The writer writes buffered lines to the file at least every {@value #WRITE_INTERVAL_MS} ms
 * (sooner once {@value #WRITE_OUT_BYTES} bytes are buffered) and forces the file to the disk at
 * least every {@value #SYNC_INTERVAL_MS} ms while it has unforced lines, and at every
 * {@link #flush()}, rotation and close. After an I/O error it drops the buffered lines (counted),
 * closes the file and reopens it, waiting {@value #REOPEN_BACKOFF_MIN_MS} ms and doubling the wait
 * up to a minute between attempts; reopening resumes the chain from the file, and the first line
 * after it says how many events were lost.
 */
final class FileAuditLog implements AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(FileAuditLog.class);

    static final int QUEUE_CAPACITY = 16_384;
    static final Duration RECORD_WAIT = Duration.ofSeconds(1);
    static final long WRITE_INTERVAL_MS = 100;
    static final long SYNC_INTERVAL_MS = 1000;
    static final int WRITE_OUT_BYTES = 64 << 10;
    static final long REOPEN_BACKOFF_MIN_MS = 1000;
    static final long REOPEN_BACKOFF_MAX_MS = 60_000;
    private static final int BATCH = 1024;

    /** The log's own line: events it could not write, {@code rows} of them. */
    static final String EVENTS_LOST = "AuditEventsLost";
    /** The log's own line: a torn line (a crash in the middle of a write) was cut from the end of the file. */
    static final String TORN_LINE_REMOVED = "AuditTornLineRemoved";
    static final String QUEUE_FULL = "RESOURCE_EXHAUSTED";
    static final String DATA_LOSS = "DATA_LOSS";

    private final AuditSettings settings;
    private final boolean[] logged = new boolean[AuditCategory.values().length];
    private final BlockingQueue<Object> queue;
    private final long recordWaitNanos;
    private final Clock clock;
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder writeErrors = new LongAdder();
    /** Dropped by callers because the queue was full, not yet reported in the log. */
    private final AtomicLong unreportedQueueDrops = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private volatile AuditChainHead head;

    // Owned by the writer thread (and by the constructor before the thread starts).
    private AuditFile file;
    private long lostToErrors;
    private long writeDeadline = Long.MAX_VALUE;
    private long syncDeadline = Long.MAX_VALUE;
    private long checkpointDeadline = Long.MAX_VALUE;
    private long reopenDeadline = Long.MAX_VALUE;
    private long reopenBackoffMs = REOPEN_BACKOFF_MIN_MS;
    private AuditChainHead checkpointed;

    FileAuditLog(AuditSettings settings) throws IOException {
        this(settings, QUEUE_CAPACITY, RECORD_WAIT, Clock.systemUTC(), Thread.ofPlatform().daemon().factory());
    }

    /** For tests: a small queue, a short wait, a fixed clock, a writer thread that starts late. */
    FileAuditLog(AuditSettings settings, int queueCapacity, Duration recordWait, Clock clock,
                 ThreadFactory threads) throws IOException {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("the audit log is disabled: use AuditLog.open");
        }
        this.settings = settings;
        for (AuditCategory level : settings.levels()) {
            logged[level.ordinal()] = true;
        }
        logged[AuditCategory.SYSTEM.ordinal()] = true;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.recordWaitNanos = recordWait.toNanos();
        this.clock = clock;
        file = AuditFile.open(settings.file(), settings.maxFileSize(), settings.maxFiles(), written);
        head = file.writtenHead();
        checkpointed = head;
        LOG.info("audit log opened: {} resumes after {}", settings.file(), head);
        if (file.tornBytesRemoved() > 0) {
            LOG.warn("audit log {}: its last line was torn (a crash in the middle of a write); its {} bytes"
                    + " were cut off and a {} line written in their place", settings.file(), file.tornBytesRemoved(),
                    TORN_LINE_REMOVED);
            appendSystem(TORN_LINE_REMOVED, AuditEvent.NO_ROWS, DATA_LOSS, System.nanoTime());
        }
        try {
            writer = threads.newThread(this::run);
            writer.setName("vxdb-audit-writer");
            writer.start();
        } catch (RuntimeException | Error e) {
            file.abandon();
            throw e;
        }
    }

    @Override
    public boolean logs(AuditCategory category) {
        return logged[category.ordinal()];
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (!logged[event.category().ordinal()]) {
            return;
        }
        if (closed.get()) {
            dropped.increment();
            return;
        }
        if (queue.offer(event)) {
            return;
        }
        try {
            if (queue.offer(event, recordWaitNanos, TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dropped.increment();
        unreportedQueueDrops.incrementAndGet();
    }

    @Override
    public void flush() {
        if (closed.get()) {
            return;
        }
        FlushRequest request = new FlushRequest();
        try {
            queue.put(request);
            while (!request.done.await(100, TimeUnit.MILLISECONDS)) {
                if (!writer.isAlive()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public AuditChainHead head() {
        return head;
    }

    @Override
    public long written() {
        return written.sum();
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public long writeErrors() {
        return writeErrors.sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(Stop.STOP);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Recorded after the writer's last look at the queue: too late to write.
        for (Object item = queue.poll(); item != null; item = queue.poll()) {
            if (item instanceof AuditEvent) {
                dropped.increment();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class FlushRequest {
        final CountDownLatch done = new CountDownLatch(1);
    }

    private enum Stop { STOP }

    // ---- the writer thread ----

    private void run() {
        long checkpointNanos = settings.checkpointInterval().toNanos();
        if (checkpointNanos > 0) {
            checkpointDeadline = System.nanoTime() + checkpointNanos;
        }
        List<Object> batch = new ArrayList<>(BATCH);
        boolean stop = false;
        while (!stop) {
            try {
                stop = processBatch(batch);
            } catch (RuntimeException e) {
                LOG.error("audit log {}: unexpected failure in the writer; it goes on", settings.file(), e);
            } finally {
                batch.clear();
            }
            long now = System.nanoTime();
            if (!stop && due(checkpointDeadline, now)) {
                checkpoint();
                checkpointDeadline = now + checkpointNanos;
            }
        }
        shutDown();
    }

    /** Takes what is queued (waiting until the next deadline when nothing is) and handles it; true on stop. */
    private boolean processBatch(List<Object> batch) {
        Object first = poll();
        if (first == null) {
            handleDeadlines();
            return false;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        boolean stop = false;
        for (Object item : batch) {
            try {
                stop |= handle(item);
            } catch (RuntimeException e) {
                LOG.error("audit log {}: unexpected failure in the writer; it goes on", settings.file(), e);
                if (item instanceof FlushRequest request) {
                    request.done.countDown();
                }
            }
        }
        if (!stop) {
            reportQueueDrops();
            handleDeadlines();
        }
        return stop;
    }

    /** Appends an event, answers a flush; true for the stop of {@link #close()}. */
    private boolean handle(Object item) {
        switch (item) {
            case AuditEvent event -> append(event);
            case FlushRequest request -> {
                flushNow();
                request.done.countDown();
            }
            case Stop _ -> {
                return true;
            }
            default -> throw new IllegalStateException("unexpected queue entry " + item);
        }
        return false;
    }

    private Object poll() {
        long now = System.nanoTime();
        long next = Math.min(Math.min(writeDeadline, syncDeadline), Math.min(checkpointDeadline, reopenDeadline));
        long wait = next == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : Math.max(0, next - now);
        try {
            return queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Only close stops the writer, through the queue; an interrupt is a mistake and is ignored.
            return null;
        }
    }

    private void handleDeadlines() {
        long now = System.nanoTime();
        if (file == null && due(reopenDeadline, now)) {
            reopen();
        }
        if (file != null && due(writeDeadline, now)) {
            writeOut();
        }
        if (file != null && due(syncDeadline, now)) {
            sync();
        }
    }

    private void append(AuditEvent event) {
        if (file == null && due(reopenDeadline, System.nanoTime())) {
            reopen();
        }
        if (file == null) {
            dropped.increment();
            lostToErrors++;
            return;
        }
        appendToFile(event, System.nanoTime());
    }

    /** Whether {@code deadline} (a {@link System#nanoTime()}, or {@code Long.MAX_VALUE} for none) has come. */
    private static boolean due(long deadline, long now) {
        return deadline != Long.MAX_VALUE && now - deadline >= 0;
    }

    private void appendSystem(String operation, long rows, String outcome, long now) {
        appendToFile(AuditEvent.system(clock.instant(), operation, rows, outcome), now);
    }

    private void appendToFile(AuditEvent event, long now) {
        boolean wasEmpty = !file.hasBuffered();
        try {
            file.append(event);
        } catch (IOException e) {
            fail(e, event.category() == AuditCategory.SYSTEM ? 0 : 1);
            return;
        }
        if (wasEmpty) {
            writeDeadline = now + TimeUnit.MILLISECONDS.toNanos(WRITE_INTERVAL_MS);
        }
        if (file.bufferedBytes() >= WRITE_OUT_BYTES) {
            writeOut();
        }
    }

    private void writeOut() {
        writeDeadline = Long.MAX_VALUE;
        if (!file.hasBuffered()) {
            return;
        }
        try {
            file.writeOut();
        } catch (IOException e) {
            fail(e, 0);
            return;
        }
        head = file.writtenHead();
        if (syncDeadline == Long.MAX_VALUE) {
            syncDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_INTERVAL_MS);
        }
    }

    private void sync() {
        syncDeadline = Long.MAX_VALUE;
        try {
            file.sync();
        } catch (IOException e) {
            fail(e, 0);
        }
    }

    private void flushNow() {
        if (file == null) {
            reopen();
        }
        reportQueueDrops();
        if (file != null) {
            writeOut();
        }
        if (file != null) {
            sync();
        }
    }

    private void reportQueueDrops() {
        long lost = unreportedQueueDrops.getAndSet(0);
        if (lost == 0) {
            return;
        }
        if (file == null) {
            lostToErrors += lost; // reported, with the I/O losses, once the file is back
            return;
        }
        LOG.warn("audit log {}: {} events dropped: its queue stayed full for {} ms", settings.file(), lost,
                TimeUnit.NANOSECONDS.toMillis(recordWaitNanos));
        appendSystem(EVENTS_LOST, lost, QUEUE_FULL, System.nanoTime());
    }

    /** After an I/O error: the buffered lines are lost, the file is released and reopened later. */
    private void fail(IOException e, int alsoLost) {
        writeErrors.increment();
        int lost = file.abandon() + alsoLost;
        file = null;
        dropped.add(lost);
        lostToErrors += lost;
        writeDeadline = Long.MAX_VALUE;
        syncDeadline = Long.MAX_VALUE;
        reopenDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(reopenBackoffMs);
        LOG.error("audit log {}: write failed, {} events lost; reopening in {} ms: {}", settings.file(), lost,
                reopenBackoffMs, e.toString());
    }

    private void reopen() {
        try {
            file = AuditFile.open(settings.file(), settings.maxFileSize(), settings.maxFiles(), written);
        } catch (IOException e) {
            writeErrors.increment();
            reopenBackoffMs = Math.min(REOPEN_BACKOFF_MAX_MS, reopenBackoffMs * 2);
            reopenDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(reopenBackoffMs);
            LOG.error("audit log {}: reopening failed; next attempt in {} ms: {}", settings.file(), reopenBackoffMs,
                    e.toString());
            return;
        }
        reopenDeadline = Long.MAX_VALUE;
        reopenBackoffMs = REOPEN_BACKOFF_MIN_MS;
        head = file.writtenHead();
        LOG.warn("audit log reopened: {} resumes after {}; {} events were lost", settings.file(), head,
                lostToErrors);
        long now = System.nanoTime();
        if (file.tornBytesRemoved() > 0) {
            appendSystem(TORN_LINE_REMOVED, AuditEvent.NO_ROWS, DATA_LOSS, now);
        }
        long lost = lostToErrors;
        if (lost > 0 && file != null) {
            appendSystem(EVENTS_LOST, lost, DATA_LOSS, now);
        }
        if (file != null) {
            writeOut(); // the losses count as reported once their line is in the file
        }
        if (file != null) {
            lostToErrors -= lost;
        }
    }

    private void checkpoint() {
        AuditChainHead current = head;
        if (!current.equals(checkpointed)) {
            checkpointed = current;
            LOG.info("audit log checkpoint: {} at {}", settings.file(), current);
        }
    }

    /** Writes what is still queued (recorded while close was called), then closes the file. */
    private void shutDown() {
        for (Object item = queue.poll(); item != null; item = queue.poll()) {
            handle(item);
        }
        flushNow();
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                writeErrors.increment();
                LOG.error("audit log {}: closing failed: {}", settings.file(), e.toString());
            }
            file = null;
        }
        if (lostToErrors > 0) {
            LOG.error("audit log {}: closed with {} events lost and not recorded in it", settings.file(),
                    lostToErrors);
        }
        LOG.info("audit log closed: {} at {}", settings.file(), head);
    }
}
