package org.vxdb.service.audit;

import java.io.IOException;

/**
 * Where a server records audited operations: an append-only file of JSON lines, each chained to the
 * one before by a SHA-256 hash (see {@link AuditLineFormat} and docs/security.md), so that a line
 * edited, removed or moved in the middle of the log is found by {@link AuditVerifier}.
 *
 * <p><b>What the chain cannot show.</b> Lines cut from the <em>end</em> of the log leave a shorter
 * chain that is just as valid, and someone who can write the file can also rewrite every line after
 * the one they changed. The log alone cannot prove otherwise. What does: a copy of the lines, or
 * of the chain's {@link #head()}, kept where the writer of the file cannot reach it. The log writes
 * its head to the server's main log (at INFO, logger {@code org.vxdb.service.audit}) when it opens
 * ({@code audit log opened: FILE resumes after SEQ:HASH}), every {@code audit.checkpoint_interval}
 * in which it wrote ({@code audit log checkpoint: FILE at SEQ:HASH}), at each rotation
 * ({@code audit log rotated: FILE.1 ends at SEQ:HASH}) and when it closes
 * ({@code audit log closed: FILE at SEQ:HASH}). A verifier given such a checkpoint
 * ({@code vxdb audit verify --checkpoint SEQ:HASH}) finds a log cut short or rewritten before it.
 *
 * <p>{@link #record} is cheap for the caller: it queues the event for one writer thread. When the
 * queue is full (the disk cannot keep up), the caller waits for room, up to one second, rather
 * than the event being dropped at once: the audit trail is worth a slower request. After that the
 * event is dropped and counted ({@link #dropped()}), so a stuck disk cannot stop every request,
 * and the log itself gets a line saying how many events it lost. An I/O error never reaches the
 * caller: it is logged and counted ({@link #writeErrors()}), and the writer reopens the file.
 */
public interface AuditLog extends AutoCloseable {

    /**
     * Opens the log {@code settings} describe, or returns {@link #disabled()} when they are disabled.
     * The file and its directory are created if missing; an existing chain resumes.
     *
     * @throws IOException when the file cannot be opened or its chain cannot be resumed (e.g. its
     *                     last line is not an audit line, or another process writes it)
     */
    static AuditLog open(AuditSettings settings) throws IOException {
        return settings.enabled() ? new FileAuditLog(settings) : disabled();
    }

    /** A log that writes nothing. */
    static AuditLog disabled() {
        return DisabledAuditLog.INSTANCE;
    }

    /** Whether {@link #record} writes events of {@code category}: lets a caller skip building one. */
    boolean logs(AuditCategory category);

    /** Queues {@code event} to be written, unless its category is not logged. Never throws for I/O. */
    void record(AuditEvent event);

    /**
     * Returns once every event recorded before the call is in the file and forced to the disk (or
     * was lost to an I/O error, which is counted). Does nothing after {@link #close()}.
     */
    void flush();

    /** The last line written to the file: what to keep elsewhere to detect a cut or rewritten log. */
    AuditChainHead head();

    /** Events written to the file (the log's own lines about lost events are not counted). */
    long written();

    /** Events not written: the queue stayed full, an I/O error, or recorded after close. */
    long dropped();

    /** I/O errors writing, forcing, rotating or reopening the file. */
    long writeErrors();

    /** Writes what was recorded, forces it to the disk and releases the file. Idempotent. */
    @Override
    void close();
}
