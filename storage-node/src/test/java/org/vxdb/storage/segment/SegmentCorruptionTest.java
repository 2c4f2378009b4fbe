package org.vxdb.storage.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vxdb.index.Metric;
import org.vxdb.storage.segment.SegmentDescriptor.Block;

/** A damaged segment file never opens, and the error says which file, which part, where and why. */
class SegmentCorruptionTest {

    @TempDir
    Path dir;

    private Path file;
    private String prefix;
    private SegmentRows rows;

    @BeforeEach
    void writeSegment() throws IOException {
        file = dir.resolve("seg-1.vxs");
        prefix = "corrupt segment " + file + ": ";
        // 300 rows of dimension 3: the vector block (3600 bytes) is followed by 48 bytes of padding.
        rows = SegmentRows.random(300, 3, Metric.L2, 42);
        SegmentWriter.write(file, rows.data());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Block.class)
    void shouldDetectAFlippedByteInEachBlock(Block block) throws IOException {
        BlockEntry entry = entry(block);
        flipByte(entry.offset() + entry.storedLength() / 2);

        SegmentCorruptException e = assertThrows(SegmentCorruptException.class, () -> Segment.open(file));
        assertEquals(prefix + block + " block at offset " + entry.offset() + " fails its CRC32C check", e.getMessage());
        assertEquals(file, e.file());
        assertEquals(block + " block", e.part());
        assertEquals(entry.offset(), e.offset());
    }

    @ParameterizedTest(name = "last byte of {0}")
    @EnumSource(Block.class)
    void shouldDetectAFlippedLastByteOfEachBlock(Block block) throws IOException {
        BlockEntry entry = entry(block);
        flipByte(entry.end() - 1);

        assertEquals(prefix + block + " block at offset " + entry.offset() + " fails its CRC32C check",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldNameTheVectorBlockRightAfterTheHeader() throws IOException {
        flipByte(256);

        assertEquals(prefix + "VECTORS block at offset 256 fails its CRC32C check",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @ParameterizedTest(name = "header byte {0}")
    @ValueSource(ints = {8, 12, 16, 24, 32, 47, 56, 100, 247, 248, 252, 255})
    void shouldDetectAFlippedByteInTheHeader(int offset) throws IOException {
        flipByte(offset);

        SegmentCorruptException e = assertThrows(SegmentCorruptException.class, () -> Segment.open(file));
        assertEquals(prefix + "header at offset 0 fails its CRC32C check", e.getMessage());
        assertEquals("header", e.part());
    }

    @Test
    void shouldRejectAFileWithTheWrongMagic() throws IOException {
        writeAt(0, "VXIX".getBytes(StandardCharsets.US_ASCII));

        assertEquals(prefix + "header at offset 0 has magic 0x58495856, expected 0x47535856 (\"VXSG\"): "
                        + "not a VxDB segment file",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAnUnsupportedFormatVersion() throws IOException {
        writeAt(4, new byte[] {2, 0, 0, 0});

        assertEquals(prefix + "header at offset 4 has format version 2, this reader supports 1",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAnEmptyFile() throws IOException {
        truncate(0);

        assertEquals(prefix + "header at offset 0 is truncated: the file is 0 bytes, the header needs 256",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAFileCutInsideTheHeader() throws IOException {
        truncate(100);

        assertEquals(prefix + "header at offset 0 is truncated: the file is 100 bytes, the header needs 256",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAFileCutInsideTheVectors() throws IOException {
        truncate(1000);

        assertEquals(prefix + "VECTORS block at offset 256 ends at offset 3856, past the end of the 1000-byte file",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAFileMissingItsLastByte() throws IOException {
        BlockEntry metadata = entry(Block.METADATA);
        truncate(metadata.end() - 1);

        assertEquals(prefix + "METADATA block at offset " + metadata.offset() + " ends at offset " + metadata.end()
                        + ", past the end of the " + (metadata.end() - 1) + "-byte file",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectBytesAfterTheLastBlock() throws IOException {
        BlockEntry metadata = entry(Block.METADATA);
        writeAt(metadata.end(), new byte[5]);

        assertEquals(prefix + "METADATA block at offset " + metadata.offset() + " ends at offset " + metadata.end()
                        + ", but the file is " + (metadata.end() + 5) + " bytes long",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldDetectAFlippedByteInThePaddingBetweenBlocks() throws IOException {
        assertEquals(3904, entry(Block.IDS).offset());
        flipByte(3856);

        assertEquals(prefix + "padding before the IDS block at offset 3856 is not zero",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAVectorBlockThatIsNotAligned() throws IOException {
        int crc = entry(Block.VECTORS).crc();
        rewriteHeader(h -> withBlock(h, new BlockEntry(Block.VECTORS, 260, 3600, 3600, 0, crc)));

        assertEquals(prefix + "VECTORS block at offset 260 is not 64-byte aligned",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectABlockLengthThatDisagreesWithTheRowCount() throws IOException {
        rewriteHeader(h -> new SegmentHeader(h.dimension(), h.metric(), 301, h.createdAtMillis(), h.minVersion(),
                h.maxVersion(), h.blocks()));

        assertEquals(prefix + "VECTORS block at offset 256 holds 3600 bytes (3600 uncompressed), "
                        + "expected 3612 for 301 rows",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAVersionRangeThatDisagreesWithTheVersions() throws IOException {
        long min = Arrays.stream(rows.versions()).min().orElseThrow();
        long max = Arrays.stream(rows.versions()).max().orElseThrow();
        rewriteHeader(h -> new SegmentHeader(h.dimension(), h.metric(), h.count(), h.createdAtMillis(),
                min - 1, max, h.blocks()));

        assertEquals(prefix + "VERSIONS block at offset " + entry(Block.VERSIONS).offset() + " holds versions "
                        + min + ".." + max + ", the header says " + (min - 1) + ".." + max,
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectMetadataOffsetsThatGoBackwardsEvenWithAMatchingChecksum() throws IOException {
        BlockEntry offsets = entry(Block.METADATA_OFFSETS);
        // Row 0 has no metadata, row 1 one byte, row 2 two: entries 2 and 3 are 1 and 3; make entry 3 go back to 0.
        long row3 = offsets.offset() + 3 * Long.BYTES;
        writeAt(row3, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0).array());
        int crc = crcOf(offsets);
        rewriteHeader(h -> withBlock(h, new BlockEntry(Block.METADATA_OFFSETS, offsets.offset(),
                offsets.storedLength(), offsets.uncompressedLength(), offsets.codec(), crc)));

        assertEquals(prefix + "METADATA_OFFSETS entry at offset " + row3 + " for row 3 is 0, below 1 for row 2",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    @Test
    void shouldRejectAnLz4ChunkThatPromisesMoreThanTheBlockHoldsEvenWithAMatchingChecksum() throws IOException {
        BlockEntry metadata = entry(Block.METADATA);
        ByteBuffer chunkHeader = ByteBuffer.wrap(Files.readAllBytes(file), (int) metadata.offset(), 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        int uncompressed = chunkHeader.getInt(chunkHeader.position());
        writeAt(metadata.offset(), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, uncompressed + 1).array());
        int crc = crcOf(metadata);
        rewriteHeader(h -> withBlock(h, new BlockEntry(Block.METADATA, metadata.offset(), metadata.storedLength(),
                metadata.uncompressedLength(), metadata.codec(), crc)));

        assertEquals(prefix + "METADATA chunk at offset " + metadata.offset() + " decompresses past the "
                        + uncompressed + " bytes the block table promises",
                assertThrows(SegmentCorruptException.class, () -> Segment.open(file)).getMessage());
    }

    private BlockEntry entry(Block block) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file)) {
            return SegmentHeader.decode(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena))
                    .block(block);
        }
    }

    private void rewriteHeader(UnaryOperator<SegmentHeader> change) throws IOException {
        SegmentHeader header;
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file)) {
            header = SegmentHeader.decode(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        }
        writeAt(0, change.apply(header).encode().array());
    }

    private static SegmentHeader withBlock(SegmentHeader h, BlockEntry replacement) {
        List<BlockEntry> blocks = new ArrayList<>(h.blocks());
        blocks.set(replacement.block().ordinal(), replacement);
        return new SegmentHeader(h.dimension(), h.metric(), h.count(), h.createdAtMillis(), h.minVersion(),
                h.maxVersion(), blocks);
    }

    private int crcOf(BlockEntry entry) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CRC32C crc = new CRC32C();
        crc.update(bytes, (int) entry.offset(), (int) entry.storedLength());
        return (int) crc.getValue();
    }

    private void flipByte(long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.write(file, bytes);
    }

    private void writeAt(long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private void truncate(long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }
}
