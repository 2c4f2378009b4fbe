package org.vxdb.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;

/** The bytes on disk are the ones docs/segment-format.md describes, read here without the reader. */
class SegmentFormatTest {

    @TempDir
    Path dir;

    @Test
    void shouldLayOutTheFileAsTheFormatSpecSays() throws IOException {
        Path file = dir.resolve("seg.vxs");
        SegmentRows rows = SegmentRows.random(10, 3, Metric.COSINE, 5);
        SegmentWriter.write(file, rows.data(), 1234L);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals("VXSG", new String(b.array(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt(4));
        assertEquals(3, b.getInt(8));
        assertEquals(3, b.getInt(12));
        assertEquals(10, b.getLong(16));
        assertEquals(1234L, b.getLong(24));
        assertEquals(6, b.getInt(48));
        assertEquals(0, b.getInt(52));
        assertEquals(0, b.getInt(248));
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(b.array(), 0, 252);
        assertEquals((int) headerCrc.getValue(), b.getInt(252));

        long[][] expected = {
            // offset, stored length, codec
            {256, 10 * 3 * 4, 0},   // VECTORS, ends at 376
            {384, 10 * 8, 0},       // IDS, ends at 464
            {512, 10 * 8, 0},       // VERSIONS, ends at 592
            {640, 10, 0},           // FLAGS, ends at 650
            {704, 11 * 8, 0},       // METADATA_OFFSETS, ends at 792
            {832, -1, 1},           // METADATA, LZ4 chunks
        };
        for (int i = 0; i < expected.length; i++) {
            int entry = 56 + i * 32;
            long offset = b.getLong(entry);
            long stored = b.getLong(entry + 8);
            assertEquals(expected[i][0], offset, "offset of block " + i);
            if (expected[i][1] >= 0) {
                assertEquals(expected[i][1], stored, "stored length of block " + i);
                assertEquals(expected[i][1], b.getLong(entry + 16), "uncompressed length of block " + i);
            }
            assertEquals(expected[i][2], b.getInt(entry + 24), "codec of block " + i);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), (int) offset, (int) stored);
            assertEquals((int) crc.getValue(), b.getInt(entry + 28), "CRC32C of block " + i);
        }
        int metadataEntry = 56 + 5 * 32;
        long metadataAt = b.getLong(metadataEntry);
        assertEquals(metadataAt + b.getLong(metadataEntry + 8), b.capacity(), "the file ends with the last block");
        long metadataLength = 0;
        for (byte[] m : rows.metadata()) {
            metadataLength += m.length;
        }
        assertEquals(metadataLength, b.getLong(metadataEntry + 16));
        assertEquals(metadataLength, b.getInt((int) metadataAt), "first chunk's uncompressed length");
        assertEquals(b.getLong(metadataEntry + 8) - 8, b.getInt((int) metadataAt + 4),
                "first chunk's compressed length");
    }

    @Test
    void shouldKeepTheBlockTableInsideTheHeaderAndClearOfItsChecksum() {
        int tableEnd = SegmentDescriptor.BLOCK_TABLE_OFFSET
                + SegmentDescriptor.BLOCK_COUNT * SegmentDescriptor.BLOCK_ENTRY_LENGTH;
        assertEquals(248, tableEnd);
        assertEquals(SegmentDescriptor.HEADER_LENGTH - Integer.BYTES, SegmentDescriptor.HEADER_CRC_OFFSET);
        assertEquals(0, SegmentDescriptor.HEADER_LENGTH % SegmentDescriptor.BLOCK_ALIGNMENT);
    }
}
