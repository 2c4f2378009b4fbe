package org.vxdb.storage.metaindex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.storage.filter.Filter;

/** The metadata index file: round trip, and every kind of damage detected with the file and reason named. */
class MetadataIndexFileTest {

    @TempDir
    Path dir;

    private final MetadataIndexTestRows rows = new MetadataIndexTestRows(3_000, 5);

    private Path written() throws IOException {
        Path file = dir.resolve(MetadataIndexFile.nameFor("seg-00000001-0000000000000000.vxs"));
        MetadataIndexFile.write(file, MetadataIndexSet.build(MetadataIndexTestRows.SPECS, rows.rows(), rows::metadata));
        return file;
    }

    @Test
    void shouldReadBackIndexesThatAnswerLikeTheBuiltOnes() throws IOException {
        Path file = written();
        assertEquals("seg-00000001-0000000000000000.vxm", file.getFileName().toString());
        MetadataIndexSet read = MetadataIndexFile.read(file, 3_000);
        assertEquals(MetadataIndexTestRows.SPECS, read.specs());
        SplittableRandom rnd = new SplittableRandom(1);
        MetadataIndexSet built = MetadataIndexSet.build(MetadataIndexTestRows.SPECS, rows.rows(), rows::metadata);
        for (int i = 0; i < 200; i++) {
            Filter f = MetadataIndexTestRows.randomFilter(rnd, 2);
            assertEquals(FilterEvaluator.evaluate(f, rows.withIndexes(built)),
                    FilterEvaluator.evaluate(f, rows.withIndexes(read)), f.toString());
        }
        assertEquals(built.bytes(), read.bytes());
    }

    @Test
    void shouldRejectAFlippedByte() throws IOException {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        bytes[100] ^= 1;
        Files.write(file, bytes);
        MetadataIndexCorruptException e = assertThrows(MetadataIndexCorruptException.class,
                () -> MetadataIndexFile.read(file, 3_000));
        assertEquals(true, e.getMessage().startsWith("metadata index file " + file
                + " is unusable: checksum mismatch (stored "), e.getMessage());
    }

    @Test
    void shouldRejectATruncatedFileAndOneOfAnotherSegment() throws IOException {
        Path file = written();
        assertEquals("metadata index file " + file + " is unusable: it indexes 3000 rows, the segment has 2999",
                assertThrows(MetadataIndexCorruptException.class, () -> MetadataIndexFile.read(file, 2_999))
                        .getMessage());
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 10));
        assertEquals("metadata index file " + file + " is unusable: it is 10 bytes, shorter than a header",
                assertThrows(MetadataIndexCorruptException.class, () -> MetadataIndexFile.read(file, 3_000))
                        .getMessage());
        Files.delete(file);
        assertThrows(NoSuchFileException.class, () -> MetadataIndexFile.read(file, 3_000));
    }

    @Test
    void shouldRejectAStructurallyBadFileWithAValidChecksum() throws IOException {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(MetadataIndexFileDescriptor.FIELD_COUNT_OFFSET, (short) 5); // one field fewer than written
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        b.putInt(bytes.length - 4, (int) crc.getValue());
        Files.write(file, bytes);
        MetadataIndexCorruptException e = assertThrows(MetadataIndexCorruptException.class,
                () -> MetadataIndexFile.read(file, 3_000));
        assertEquals(true, e.getMessage().matches(
                "metadata index file .* is unusable: \\d+ bytes follow the last field"),
                e.getMessage());
        b.putShort(MetadataIndexFileDescriptor.FIELD_COUNT_OFFSET, (short) 7); // one field more than written
        crc.reset();
        crc.update(bytes, 0, bytes.length - 4);
        b.putInt(bytes.length - 4, (int) crc.getValue());
        Files.write(file, bytes);
        assertEquals("metadata index file " + file + " is unusable: the file ends inside field 7 of 7",
                assertThrows(MetadataIndexCorruptException.class, () -> MetadataIndexFile.read(file, 3_000))
                        .getMessage());
    }
}
