package org.vxdb.service.audit;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.service.audit.AuditLineFormat.Encoded;
import org.vxdb.service.audit.AuditLineFormat.ParsedLine;

/**
 * The audit file being appended to, used by one thread (the log's writer). Lines are encoded into a
 * buffer by {@link #append} and reach the file at {@link #writeOut}; {@link #sync} forces them to
 * the disk. Before a line would take the file past its maximum size, the file is rotated
 * ({@code audit.log} becomes {@code audit.log.1}, which becomes {@code audit.log.2}, ...) and the
 * chain goes on in a new {@code audit.log}.
 *
 * <p>Opening resumes the chain after the last complete line, of this file or, when this one has
 * none, of {@code audit.log.1}. A torn line at the end (a crash in the middle of a write) is cut
 * off and reported by {@link #tornBytesRemoved()}, for the log to write a line saying so; a torn
 * line that is in fact whole, missing only its newline, gets its newline instead.
 */
final class AuditFile implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditFile.class);

    private final Path path;
    private final long maxFileSize;
    private final int maxFiles;
    private final LongAdder written;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 << 10);
    private FileChannel channel;
    private FileLock lock;
    private long size;
    private int bufferedEvents;
    /** The last line appended (maybe only buffered) and the last one written to the file. */
    private AuditChainHead appended;
    private AuditChainHead writtenHead;
    private final long tornBytesRemoved;

    private AuditFile(Path path, long maxFileSize, int maxFiles, LongAdder written) throws IOException {
        this.path = path;
        this.maxFileSize = maxFileSize;
        this.maxFiles = maxFiles;
        this.written = written;
        openChannel();
        try {
            tornBytesRemoved = resume();
        } catch (IOException | RuntimeException e) {
            closeChannel();
            throw e;
        }
    }

    /**
     * Opens (creating it and its directory if needed) and locks {@code path}, and finds where the
     * chain resumes.
     *
     * @param written counts the events (not the log's own lines) that reach the file
     * @throws IOException when the file cannot be opened or locked, or its last line is not an audit line
     */
    static AuditFile open(Path path, long maxFileSize, int maxFiles, LongAdder written) throws IOException {
        return new AuditFile(path, maxFileSize, maxFiles, written);
    }

    Path path() {
        return path;
    }

    /** Bytes of a torn last line cut off at open; 0 when the file ended with a whole line. */
    long tornBytesRemoved() {
        return tornBytesRemoved;
    }

    /** The last line written to the file (not necessarily forced to the disk). */
    AuditChainHead writtenHead() {
        return writtenHead;
    }

    boolean hasBuffered() {
        return buffer.size() > 0;
    }

    int bufferedBytes() {
        return buffer.size();
    }

    /** Encodes {@code event} as the next line, rotating first if the line would not fit the current file. */
    void append(AuditEvent event) throws IOException {
        Encoded line = AuditLineFormat.encode(event, appended.seq() + 1, appended.hash());
        long used = size + buffer.size();
        if (used > 0 && used + line.bytes().length > maxFileSize) {
            writeOut();
            rotate();
        }
        buffer.writeBytes(line.bytes());
        appended = new AuditChainHead(appended.seq() + 1, line.hash());
        if (event.category() != AuditCategory.SYSTEM) {
            bufferedEvents++;
        }
    }

    /** Writes the buffered lines to the file. On failure the caller {@link #abandon}s the file and reopens it. */
    void writeOut() throws IOException {
        if (buffer.size() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
        while (bytes.hasRemaining()) {
            size += channel.write(bytes, size);
        }
        written.add(bufferedEvents);
        buffer.reset();
        bufferedEvents = 0;
        writtenHead = appended;
    }

    void sync() throws IOException {
        channel.force(false);
    }

    /** Writes out and forces what is buffered, and releases the file. */
    @Override
    public void close() throws IOException {
        try {
            writeOut();
            sync();
        } finally {
            closeChannel();
        }
    }

    /**
     * Releases the file without writing what is buffered, after a failure.
     *
     * @return the events buffered and so lost (those of a write that failed half way may be in the file)
     */
    int abandon() {
        int lost = bufferedEvents;
        buffer.reset();
        bufferedEvents = 0;
        try {
            closeChannel();
        } catch (IOException e) {
            LOG.warn("audit log {}: closing after a failure failed too: {}", path, e.toString());
        }
        return lost;
    }

    private void openChannel() throws IOException {
        Path dir = path.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(path + ": another audit log has it open; each server needs its own audit.file");
        }
        size = channel.size();
    }

    private void closeChannel() throws IOException {
        FileChannel open = channel;
        channel = null;
        if (open != null) {
            open.close(); // releases the lock
        }
    }

    /** Finds the head of the chain; returns the bytes of a torn line cut off. */
    private long resume() throws IOException {
        AuditTail tail = AuditTail.read(channel, path);
        AuditChainHead head = tail.lastLine() == null ? previousFileHead() : headOf(tail.lastLine(), path);
        long cut = 0;
        if (tail.torn().length > 0) {
            if (continues(tail.torn(), head)) {
                size += channel.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
                head = headOf(tail.torn(), path);
                LOG.info("audit log {}: its last line lacked only its newline; the newline was added", path);
            } else {
                channel.truncate(tail.completeEnd());
                size = tail.completeEnd();
                cut = tail.torn().length;
            }
            channel.force(false);
        }
        appended = head;
        writtenHead = head;
        return cut;
    }

    /** Whether a torn line is a whole line that follows {@code head}, missing only its newline. */
    private static boolean continues(byte[] torn, AuditChainHead head) {
        try {
            ParsedLine line = AuditLineFormat.parse(torn, torn.length);
            return line.intact() && line.seq() == head.seq() + 1 && line.prev().equals(head.hash());
        } catch (AuditLineFormat.MalformedLineException e) {
            return false;
        }
    }

    private AuditChainHead previousFileHead() throws IOException {
        Path previous = rotated(1);
        if (!Files.exists(previous)) {
            return AuditChainHead.EMPTY;
        }
        try (FileChannel in = FileChannel.open(previous, StandardOpenOption.READ)) {
            AuditTail tail = AuditTail.read(in, previous);
            if (tail.torn().length > 0) {
                throw new IOException(previous + ": ends with a torn line of " + tail.torn().length
                        + " bytes, so the chain cannot go on from it; check it with vxdb audit verify");
            }
            return tail.lastLine() == null ? AuditChainHead.EMPTY : headOf(tail.lastLine(), previous);
        }
    }

    private static AuditChainHead headOf(byte[] line, Path file) throws IOException {
        try {
            ParsedLine parsed = AuditLineFormat.parse(line, line.length);
            return new AuditChainHead(parsed.seq(), parsed.hash());
        } catch (AuditLineFormat.MalformedLineException e) {
            throw new IOException(file + ": its last line is not an audit line (" + e.getMessage()
                    + "), so the chain cannot go on from it; check it with vxdb audit verify and move it aside");
        }
    }

    Path rotated(int generation) {
        return path.resolveSibling(path.getFileName() + "." + generation);
    }

    private void rotate() throws IOException {
        sync();
        closeChannel();
        Files.deleteIfExists(rotated(maxFiles));
        for (int generation = maxFiles - 1; generation >= 1; generation--) {
            if (Files.exists(rotated(generation))) {
                Files.move(rotated(generation), rotated(generation + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(path, rotated(1), StandardCopyOption.ATOMIC_MOVE);
        LOG.info("audit log rotated: {} ends at {}", rotated(1), writtenHead);
        openChannel();
    }
}
