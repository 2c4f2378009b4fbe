package org.vxdb.index.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;

/** Index files are written atomically and any damage is reported with file and reason. */
class IndexFilesTest {

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void write() {
        file = dir.resolve("x.vxi");
        IndexFiles.write(file, IndexFileDescriptor.ENGINE_LINEAR, IndexSpec.parse("IVF8,Flat", 3, Metric.COSINE), 2,
                (f, offset) -> {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.write(ByteBuffer.wrap(new byte[40]), offset);
                    }
                });
    }

    @Test
    void shouldReadBackWhatWasWritten() {
        IndexFiles.Header h = IndexFiles.read(file);
        assertEquals(IndexFileDescriptor.ENGINE_LINEAR, h.engine());
        assertEquals(IndexSpec.parse("IVF8,Flat", 3, Metric.COSINE), h.spec());
        assertEquals(2, h.count());
        assertEquals(40, h.payloadLength());
        assertEquals(false, Files.exists(dir.resolve("x.vxi.tmp")));
    }

    @Test
    void shouldReportAFlippedPayloadByte() throws IOException {
        flip(IndexFileDescriptor.HEADER_LENGTH + 7);
        assertEquals("corrupt index file " + file + ": payload checksum mismatch", failure());
    }

    @Test
    void shouldReportAFlippedHeaderByte() throws IOException {
        flip(IndexFileDescriptor.DIMENSION_OFFSET);
        assertEquals("corrupt index file " + file + ": header checksum mismatch", failure());
    }

    @Test
    void shouldReportATruncatedFile() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(IndexFileDescriptor.HEADER_LENGTH + 10);
        }
        assertEquals("corrupt index file " + file + ": payload is 10 bytes, header says 40", failure());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(50);
        }
        assertEquals("corrupt index file " + file + ": file is 50 bytes, shorter than the 128-byte header", failure());
    }

    @Test
    void shouldReportAForeignFile() throws IOException {
        Files.write(file, new byte[200]);
        assertEquals("corrupt index file " + file + ": bad magic 0x0, not a VxDB index file", failure());
    }

    @Test
    void shouldReportAMissingFile() {
        Path missing = dir.resolve("missing.vxi");
        String msg = assertThrows(UncheckedIOException.class, () -> IndexFiles.read(missing)).getMessage();
        assertEquals("cannot read index file " + missing + ": " + missing, msg);
    }

    private String failure() {
        return assertThrows(UncheckedIOException.class, () -> IndexFiles.read(file)).getMessage();
    }

    private void flip(long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 1));
            ch.write(b.flip(), offset);
        }
    }
}
