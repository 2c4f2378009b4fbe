package org.vxdb.index.spi;

import static org.vxdb.index.spi.IndexFileDescriptor.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;

/**
 * Writes and verifies index files: header ({@link IndexFileDescriptor}) plus an engine payload.
 * Files are written beside the target, fsynced, renamed over it and the directory fsynced, so a
 * crash leaves either the old file or the new one. Reading checks both checksums before any
 * payload byte reaches a native reader.
 */
public final class IndexFiles {

    private static final int CRC_CHUNK = 1 << 20;

    private IndexFiles() {
    }

    /** What a verified header says. */
    public record Header(int engine, IndexSpec spec, long count, long payloadLength) {
    }

    /** Writes the payload of a temp file that already has room for the header at its start. */
    @FunctionalInterface
    public interface PayloadWriter {
        void writeAt(Path file, long offset) throws IOException;
    }

    public static void write(Path target, int engine, IndexSpec spec, long count, PayloadWriter payload) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.allocate(HEADER_LENGTH), 0);
            }
            payload.writeAt(tmp, HEADER_LENGTH);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long payloadLength = ch.size() - HEADER_LENGTH;
                int payloadCrc = crc(ch, HEADER_LENGTH, payloadLength);
                ByteBuffer header = header(engine, spec, count, payloadLength, payloadCrc);
                ch.write(header, 0);
                ch.force(true);
            }
            moveAtomically(tmp, absolute);
            fsyncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw new UncheckedIOException("cannot write index file " + absolute + ": " + e.getMessage(), e);
        }
    }

    /** Reads and verifies the header and the payload checksum of {@code file}. */
    public static Header read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_LENGTH) {
                throw corrupt(file, "file is " + size + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, 0);
            if (h.getInt(MAGIC_OFFSET) != MAGIC) {
                throw corrupt(file, "bad magic 0x" + Integer.toHexString(h.getInt(MAGIC_OFFSET)) + ", not a VxDB index file");
            }
            CRC32C headerCrc = new CRC32C();
            headerCrc.update(h.array(), 0, HEADER_CRC_OFFSET);
            if ((int) headerCrc.getValue() != h.getInt(HEADER_CRC_OFFSET)) {
                throw corrupt(file, "header checksum mismatch");
            }
            int version = h.getInt(VERSION_OFFSET);
            if (version != VERSION) {
                throw corrupt(file, "format version " + version + " is not supported (expected " + VERSION + ")");
            }
            int descriptionLength = h.getInt(DESCRIPTION_LENGTH_OFFSET);
            if (descriptionLength < 1 || descriptionLength > MAX_DESCRIPTION_LENGTH) {
                throw corrupt(file, "bad description length " + descriptionLength);
            }
            String description = new String(h.array(), DESCRIPTION_OFFSET, descriptionLength, StandardCharsets.UTF_8);
            IndexSpec spec = IndexSpec.parse(description, h.getInt(DIMENSION_OFFSET),
                    Metric.fromCode(h.getInt(METRIC_OFFSET)));
            long payloadLength = h.getLong(PAYLOAD_LENGTH_OFFSET);
            if (payloadLength != size - HEADER_LENGTH) {
                throw corrupt(file, "payload is " + (size - HEADER_LENGTH) + " bytes, header says " + payloadLength);
            }
            if (crc(ch, HEADER_LENGTH, payloadLength) != h.getInt(PAYLOAD_CRC_OFFSET)) {
                throw corrupt(file, "payload checksum mismatch");
            }
            return new Header(h.getInt(ENGINE_OFFSET), spec, h.getLong(COUNT_OFFSET), payloadLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index file " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer header(int engine, IndexSpec spec, long count, long payloadLength, int payloadCrc) {
        byte[] description = spec.description().getBytes(StandardCharsets.UTF_8);
        if (description.length > MAX_DESCRIPTION_LENGTH) {
            throw new IllegalArgumentException("index description longer than " + MAX_DESCRIPTION_LENGTH + " bytes");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_OFFSET, MAGIC)
                .putInt(VERSION_OFFSET, VERSION)
                .putInt(ENGINE_OFFSET, engine)
                .putInt(METRIC_OFFSET, spec.metric().code())
                .putInt(DIMENSION_OFFSET, spec.dimension())
                .putInt(DESCRIPTION_LENGTH_OFFSET, description.length)
                .putLong(COUNT_OFFSET, count)
                .putLong(PAYLOAD_LENGTH_OFFSET, payloadLength)
                .putInt(PAYLOAD_CRC_OFFSET, payloadCrc)
                .put(DESCRIPTION_OFFSET, description);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, HEADER_CRC_OFFSET);
        h.putInt(HEADER_CRC_OFFSET, (int) crc.getValue());
        return h;
    }

    private static int crc(FileChannel ch, long offset, long length) throws IOException {
        CRC32C crc = new CRC32C();
        if (length == 0) {
            return (int) crc.getValue();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, offset, length, arena);
            for (long pos = 0; pos < length; pos += CRC_CHUNK) {
                long n = Math.min(CRC_CHUNK, length - pos);
                crc.update(mapped.asSlice(pos, n).asByteBuffer());
            }
        }
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + pos);
            }
            pos += n;
        }
        buffer.flip();
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename atomically: " + e.getMessage(), e);
        }
    }

    /** Makes a rename durable: fsync of the directory that holds the entry. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path tmp, IOException cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private static UncheckedIOException corrupt(Path file, String why) {
        String message = "corrupt index file " + file + ": " + why;
        return new UncheckedIOException(message, new IOException(message));
    }
}
