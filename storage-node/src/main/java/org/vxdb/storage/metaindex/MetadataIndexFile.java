package org.vxdb.storage.metaindex;

import org.vxdb.service.io.AtomicFiles;
import static org.vxdb.storage.metaindex.MetadataIndexFileDescriptor.CRC_BYTES;
import static org.vxdb.storage.metaindex.MetadataIndexFileDescriptor.FIELD_OVERHEAD_BYTES;
import static org.vxdb.storage.metaindex.MetadataIndexFileDescriptor.HEADER_BYTES;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads and writes metadata index files ({@link MetadataIndexFileDescriptor}). Written like a
 * segment: a temp file, fsynced, renamed over the target, the directory fsynced. Read whole and
 * checked (CRC32C, magic, version, row count) before anything in it is trusted.
 */
public final class MetadataIndexFile {

    private MetadataIndexFile() {
    }

    /** The index file beside {@code segmentFile} ({@code seg-...vxs} to {@code seg-...vxm}). */
    public static String nameFor(String segmentFile) {
        int dot = segmentFile.lastIndexOf('.');
        return (dot < 0 ? segmentFile : segmentFile.substring(0, dot)) + MetadataIndexFileDescriptor.SUFFIX;
    }

    public static boolean isIndexFile(String name) {
        return name.endsWith(MetadataIndexFileDescriptor.SUFFIX);
    }

    /** Writes {@code set} (frozen) to {@code file} durably, replacing any previous file. */
    public static void write(Path file, MetadataIndexSet set) throws IOException {
        if (!set.isFrozen()) {
            throw new IllegalArgumentException("only frozen metadata indexes are written");
        }
        long size = HEADER_BYTES + CRC_BYTES;
        for (FieldIndex f : set.indexes()) {
            size += FIELD_OVERHEAD_BYTES + f.spec().field().getBytes(StandardCharsets.UTF_8).length + f.payloadBytes();
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("metadata indexes of " + file + " need " + size + " bytes; at most 2 GiB per file");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MetadataIndexFileDescriptor.MAGIC).putShort(MetadataIndexFileDescriptor.FORMAT_VERSION)
                .putShort((short) set.indexes().size()).putLong(set.rows());
        for (FieldIndex f : set.indexes()) {
            byte[] name = f.spec().field().getBytes(StandardCharsets.UTF_8);
            buf.putShort((short) name.length).put(name).put(MetadataIndexFileDescriptor.kindCode(f.spec().kind()))
                    .putLong(f.payloadBytes());
            int start = buf.position();
            f.writePayload(buf);
            if (buf.position() - start != f.payloadBytes()) {
                throw new IllegalStateException("index " + f.spec() + " wrote " + (buf.position() - start)
                        + " bytes, announced " + f.payloadBytes());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        AtomicFiles.writeAtomically(file, buf.array());
    }

    /**
     * Reads the file of a segment of {@code rows} rows. A missing file is {@link NoSuchFileException};
     * anything else wrong is {@link MetadataIndexCorruptException} naming the file and the reason.
     */
    public static MetadataIndexSet read(Path file, long rows) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER_BYTES + CRC_BYTES) {
            throw new MetadataIndexCorruptException(file, "it is " + bytes.length + " bytes, shorter than a header");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CRC_BYTES);
        int stored = buf.getInt(bytes.length - CRC_BYTES);
        if (stored != (int) crc.getValue()) {
            throw new MetadataIndexCorruptException(file, String.format("checksum mismatch (stored %08x, computed"
                    + " %08x)", stored, (int) crc.getValue()));
        }
        if (buf.getInt(MetadataIndexFileDescriptor.MAGIC_OFFSET) != MetadataIndexFileDescriptor.MAGIC) {
            throw new MetadataIndexCorruptException(file, "bad magic");
        }
        short version = buf.getShort(MetadataIndexFileDescriptor.VERSION_OFFSET);
        if (version != MetadataIndexFileDescriptor.FORMAT_VERSION) {
            throw new MetadataIndexCorruptException(file, "format version " + version + " is not supported (expected "
                    + MetadataIndexFileDescriptor.FORMAT_VERSION + ")");
        }
        long fileRows = buf.getLong(MetadataIndexFileDescriptor.ROWS_OFFSET);
        if (fileRows != rows) {
            throw new MetadataIndexCorruptException(file, "it indexes " + fileRows + " rows, the segment has " + rows);
        }
        int count = Short.toUnsignedInt(buf.getShort(MetadataIndexFileDescriptor.FIELD_COUNT_OFFSET));
        ByteBuffer body = buf.slice(HEADER_BYTES, bytes.length - HEADER_BYTES - CRC_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<MetadataIndexSpec, FieldIndex> fields = new LinkedHashMap<>();
        int at = 0;
        try {
            for (int i = 0; i < count; i++) {
                at = i + 1;
                FieldIndex f = readField(body, rows);
                if (fields.put(f.spec(), f) != null) {
                    throw new IllegalArgumentException("index " + f.spec() + " appears twice");
                }
            }
            if (body.hasRemaining()) {
                throw new IllegalArgumentException(body.remaining() + " bytes follow the last field");
            }
        } catch (BufferUnderflowException e) {
            throw new MetadataIndexCorruptException(file, "the file ends inside field " + at + " of " + count, e);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new MetadataIndexCorruptException(file, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        return MetadataIndexSet.frozen(fields, rows);
    }

    private static FieldIndex readField(ByteBuffer in, long rows) {
        int nameLength = Short.toUnsignedInt(in.getShort());
        byte[] name = new byte[nameLength];
        in.get(name);
        MetadataIndexKind kind = MetadataIndexFileDescriptor.kindOf(in.get());
        MetadataIndexSpec spec = new MetadataIndexSpec(new String(name, StandardCharsets.UTF_8), kind);
        long payload = in.getLong();
        if (payload < 0 || payload > in.remaining()) {
            throw new IllegalArgumentException("index " + spec + " announces " + payload + " payload bytes, "
                    + in.remaining() + " remain");
        }
        ByteBuffer slice = in.slice(in.position(), (int) payload).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + (int) payload);
        FieldIndex f = switch (kind) {
            case INVERTED -> InvertedFieldIndex.read(spec, slice, rows);
            case ORDERED -> OrderedFieldIndex.read(spec, slice, rows);
        };
        if (slice.hasRemaining()) {
            throw new IllegalArgumentException("index " + spec + " leaves " + slice.remaining()
                    + " payload bytes unread");
        }
        return f;
    }
}
