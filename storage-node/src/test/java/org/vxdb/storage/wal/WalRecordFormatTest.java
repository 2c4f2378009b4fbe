package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.storage.wal.WalTestSupport.config;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.text;
import static org.vxdb.storage.wal.WalTestSupport.walFile;
import static org.vxdb.storage.wal.WalTestSupport.walFileNames;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes on disk are what docs/wal-format.md and WalRecordDescriptor say. */
class WalRecordFormatTest {

    @TempDir
    Path dir;

    @Test
    void shouldPadFramesToEightBytes() {
        assertEquals(24, WalRecordDescriptor.frameLength(1));
        assertEquals(24, WalRecordDescriptor.frameLength(8));
        assertEquals(32, WalRecordDescriptor.frameLength(9));
        assertEquals(16 + 64, WalRecordDescriptor.frameLength(64));
    }

    @Test
    void shouldWriteLengthCrcOfLsnAndPayloadLsnPayloadAndZeroPadding() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            wal.append(text("hello"));
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(walFile(dir, 1))).order(WalRecordDescriptor.BYTE_ORDER);
        byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).order(WalRecordDescriptor.BYTE_ORDER).putLong(0, 1L));
        crc.update(payload);

        assertEquals(24, file.limit());
        assertEquals(5, file.getInt(0));
        assertEquals((int) crc.getValue(), file.getInt(4));
        assertEquals(1L, file.getLong(8));
        assertArrayEquals(payload, Arrays.copyOfRange(file.array(), 16, 21));
        assertArrayEquals(new byte[3], Arrays.copyOfRange(file.array(), 21, 24));
    }

    @Test
    void shouldNameTheFirstFileForItsFirstLsnInTwentyDigits() throws Exception {
        WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 41, ignoreRecords()).close();
        assertEquals(List.of("wal-00000000000000000042.log"), walFileNames(dir));
    }

    @Test
    void shouldReadFramesEncodedFromTheDescriptorAlone() throws Exception {
        WalTestSupport.writeFrames(walFile(dir, 7), 7, "a", "bcdefghij");
        assertEquals(WalTestSupport.records(7, "a", "bcdefghij"),
                WalTestSupport.replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }
}
