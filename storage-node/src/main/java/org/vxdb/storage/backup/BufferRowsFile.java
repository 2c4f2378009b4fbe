package org.vxdb.storage.backup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;
import org.vxdb.storage.shard.ShardRecordCodec;
import org.vxdb.storage.shard.ShardWrite;

/**
 * The rows a shard's memory buffer held at a snapshot point, as one file of a backup. Layout
 * (little-endian): magic {@code VXTL}, u16 format version 1, u16 reserved 0, i32 dimension,
 * i32 reserved 0, i64 rows, i64 payload length, the payload (one write batch encoded by
 * {@link ShardRecordCodec}, empty when there are no rows), then the CRC32C of every byte before it.
 */
public final class BufferRowsFile {

    /** The name of the file in a snapshot. */
    public static final String NAME = "buffer-rows.vxt";
    static final int MAGIC = 0x4C545856; // "VXTL" little-endian
    static final short VERSION = 1;
    static final int HEADER_LENGTH = 32;
    static final int CRC_LENGTH = 4;

    private BufferRowsFile() {
    }

    /** Writes {@code rows} to {@code file} and fsyncs it. */
    public static void write(Path file, int dimension, List<ShardWrite> rows) throws IOException {
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            MemorySegment payload = rows.isEmpty() ? MemorySegment.NULL
                    : ShardRecordCodec.encode(rows, dimension, arena);
            long payloadLength = rows.isEmpty() ? 0 : payload.byteSize();
            ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putInt(dimension).putInt(0)
                    .putLong(rows.size()).putLong(payloadLength).flip();
            CRC32C crc = new CRC32C();
            crc.update(header.duplicate());
            writeFully(ch, header);
            if (payloadLength > 0) {
                crc.update(payload.asByteBuffer());
                writeFully(ch, payload.asByteBuffer());
            }
            ByteBuffer trailer = ByteBuffer.allocate(CRC_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).flip();
            writeFully(ch, trailer);
            ch.force(true);
        }
    }

    /** Receives the rows of a buffer rows file. */
    @FunctionalInterface
    public interface RowSink {
        void accept(ShardWrite row) throws IOException;
    }

    /**
     * Verifies {@code file} (size, magic, version, dimension, CRC32C) and hands its rows to
     * {@code sink}; returns how many there were.
     */
    public static long read(Path file, int dimension, RowSink sink) throws IOException {
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_LENGTH + CRC_LENGTH) {
                throw corrupt(file, "it is " + size + " bytes, shorter than header and checksum");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            checkCrc(file, all);
            if (all.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) != MAGIC) {
                throw corrupt(file, "bad magic, not a buffer rows file");
            }
            ByteBuffer h = all.asSlice(0, HEADER_LENGTH).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            short version = h.getShort(4);
            if (version != VERSION) {
                throw corrupt(file, "format version " + version + " is not supported (expected " + VERSION + ")");
            }
            int dim = h.getInt(8);
            if (dim != dimension) {
                throw corrupt(file, "it holds " + dim + "-d rows, the collection is " + dimension + "-d");
            }
            long rows = h.getLong(16);
            long payloadLength = h.getLong(24);
            if (payloadLength != size - HEADER_LENGTH - CRC_LENGTH) {
                throw corrupt(file, "payload is " + (size - HEADER_LENGTH - CRC_LENGTH) + " bytes, the header says "
                        + payloadLength);
            }
            if (rows == 0) {
                return 0;
            }
            long[] seen = {0};
            IOException[] failed = {null};
            try {
                ShardRecordCodec.decode(all.asSlice(HEADER_LENGTH, payloadLength), dimension,
                        (op, id, ver, vector, metadata) -> {
                            if (failed[0] != null) {
                                return;
                            }
                            ShardWrite w = op == ShardRecordCodec.OP_DELETE ? ShardWrite.delete(id, ver)
                                    : ShardWrite.upsert(id, ver, vector.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED),
                                    metadata.toArray(ValueLayout.JAVA_BYTE));
                            seen[0]++;
                            try {
                                sink.accept(w);
                            } catch (IOException e) {
                                failed[0] = e;
                            }
                        });
            } catch (IllegalArgumentException e) {
                throw corrupt(file, e.getMessage());
            }
            if (failed[0] != null) {
                throw failed[0];
            }
            if (seen[0] != rows) {
                throw corrupt(file, "it holds " + seen[0] + " rows, the header says " + rows);
            }
            return rows;
        }
    }

    /** Checks the trailing CRC32C of {@code file} without parsing it. */
    static void verify(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_LENGTH + CRC_LENGTH) {
                throw corrupt(file, "it is " + size + " bytes, shorter than header and checksum");
            }
            checkCrc(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
        }
    }

    private static void checkCrc(Path file, MemorySegment all) throws IOException {
        long body = all.byteSize() - CRC_LENGTH;
        int stored = all.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), body);
        int computed = SnapshotFiles.crc32c(all.asSlice(0, body));
        if (stored != computed) {
            throw corrupt(file, "checksum mismatch (stored " + String.format("%08x", stored) + ", computed "
                    + String.format("%08x", computed) + ")");
        }
    }

    private static IOException corrupt(Path file, String reason) {
        return new IOException("buffer rows file " + file + " is unusable: " + reason);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
