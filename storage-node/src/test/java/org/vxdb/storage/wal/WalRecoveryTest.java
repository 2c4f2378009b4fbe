package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.storage.wal.WalTestSupport.appendAll;
import static org.vxdb.storage.wal.WalTestSupport.appendBytes;
import static org.vxdb.storage.wal.WalTestSupport.config;
import static org.vxdb.storage.wal.WalTestSupport.flipByte;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.putInt;
import static org.vxdb.storage.wal.WalTestSupport.records;
import static org.vxdb.storage.wal.WalTestSupport.replay;
import static org.vxdb.storage.wal.WalTestSupport.text;
import static org.vxdb.storage.wal.WalTestSupport.truncate;
import static org.vxdb.storage.wal.WalTestSupport.walFile;
import static org.vxdb.storage.wal.WalTestSupport.walFileNames;
import static org.vxdb.storage.wal.WalTestSupport.writeFrames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalRecoveryTest {

    /** Three 8-byte payloads: frames of 24 bytes at offsets 0, 24 and 48; the file is 72 bytes. */
    private static final String[] THREE = {"record-1", "record-2", "record-3"};
    private static final int FRAME = 24;
    private static final WalConfig CONFIG = config(FsyncPolicy.ALWAYS);

    @TempDir
    Path dir;

    private Path writeThreeRecords() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            appendAll(wal, THREE);
        }
        return walFile(dir, 1);
    }

    @Test
    void shouldCutARecordTruncatedMidPayloadAndContinueWithTheNextLsn() throws Exception {
        Path file = writeThreeRecords();
        truncate(file, 2 * FRAME + 16 + 3);

        assertRecoversTwoRecordsAndContinuesAtThree(file);
    }

    @Test
    void shouldCutARecordTruncatedMidHeader() throws Exception {
        Path file = writeThreeRecords();
        truncate(file, 2 * FRAME + 10);

        assertRecoversTwoRecordsAndContinuesAtThree(file);
    }

    @Test
    void shouldCutALastRecordWhoseCrcDoesNotMatch() throws Exception {
        Path file = writeThreeRecords();
        flipByte(file, 2 * FRAME + 20);

        assertRecoversTwoRecordsAndContinuesAtThree(file);
    }

    @Test
    void shouldCutGarbageAppendedAfterTheLastRecord() throws Exception {
        Path file = writeThreeRecords();
        byte[] garbage = new byte[101];
        new Random(42).nextBytes(garbage);
        appendBytes(file, garbage);

        assertRecoversThreeRecordsAndContinuesAtFour(file);
    }

    @Test
    void shouldCutAZeroFilledTail() throws Exception {
        Path file = writeThreeRecords();
        appendBytes(file, new byte[4096]);

        assertRecoversThreeRecordsAndContinuesAtFour(file);
    }

    @Test
    void shouldKeepTheFileNameLsnWhenItsOnlyRecordIsTorn() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            wal.append(text("only"));
        }
        truncate(walFile(dir, 1), 20);

        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            assertEquals(0, Files.size(walFile(dir, 1)));
            assertEquals(1, wal.append(text("again")));
        }
        assertEquals(List.of("wal-00000000000000000001.log"), walFileNames(dir));
        assertEquals(records(1, "again"), replay(dir, CONFIG, 0));
    }

    @Test
    void shouldFailOnAFlippedByteInAMiddleRecordFollowedByGoodRecords() throws Exception {
        Path file = writeThreeRecords();
        flipByte(file, FRAME + 20);

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + file + " at offset 24: CRC mismatch", e.getMessage());
        assertEquals(file, e.file());
        assertEquals(24, e.offset());
        assertEquals(3 * FRAME, Files.size(file), "a corrupt log is left as found");
    }

    @Test
    void shouldFailOnAFlippedLsnInAMiddleRecord() throws Exception {
        Path file = writeThreeRecords();
        flipByte(file, FRAME + WalRecordDescriptor.LSN_OFFSET);

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + file + " at offset 24: CRC mismatch", e.getMessage());
    }

    @Test
    void shouldFailOnAnImpossibleLengthFollowedByGoodRecords() throws Exception {
        Path file = writeThreeRecords();
        putInt(file, FRAME, Integer.MAX_VALUE);

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + file + " at offset 24: invalid payload length 2147483647",
                e.getMessage());
    }

    @Test
    void shouldFailOnALengthRunningPastTheFileFollowedByGoodRecords() throws Exception {
        Path file = writeThreeRecords();
        putInt(file, FRAME, 1000);

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + file
                + " at offset 24: record of 1016 bytes cut short: 48 bytes left in the file", e.getMessage());
    }

    @Test
    void shouldFailOnADamagedLastRecordOfANonLastFile() throws Exception {
        writeFiveRecordsInTwoFiles();
        Path first = walFile(dir, 1);
        flipByte(first, 2 * FRAME + 20);

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, rotatingConfig(), 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + first + " at offset 48: CRC mismatch", e.getMessage());
    }

    @Test
    void shouldFailOnATruncatedNonLastFile() throws Exception {
        writeFiveRecordsInTwoFiles();
        Path first = walFile(dir, 1);
        truncate(first, 2 * FRAME + 20);

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, rotatingConfig(), 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + first
                + " at offset 48: record of 24 bytes cut short: 20 bytes left in the file", e.getMessage());
        assertEquals(2 * FRAME + 20, Files.size(first), "a corrupt log is left as found");
    }

    @Test
    void shouldFailWhenAnLsnRepeats() throws Exception {
        Path file = walFile(dir, 1);
        writeFrames(file, 1, "a", "b");
        writeFrames(file, 2, "c");

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + file + " at offset 48: LSN 2 is not greater than the previous LSN 2",
                e.getMessage());
    }

    @Test
    void shouldFailWhenLsnsGoBackwardsAcrossFiles() throws Exception {
        writeFrames(walFile(dir, 1), 1, "a", "b", "c");
        writeFrames(walFile(dir, 3), 3, "d");

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + walFile(dir, 1)
                + " at offset 48: LSN 3 is not below the first LSN 3 of the next file", e.getMessage());
    }

    @Test
    void shouldFailWhenARecordIsBelowTheLsnInItsFileName() throws Exception {
        writeFrames(walFile(dir, 5), 3, "a");

        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords()));
        assertEquals("corrupt WAL record in " + walFile(dir, 5)
                + " at offset 0: LSN 3 is below the first LSN 5 in the file name", e.getMessage());
    }

    @Test
    void shouldLeaveFilesThatAreNotWalFilesAlone() throws Exception {
        writeThreeRecords();
        Files.writeString(dir.resolve("notes.txt"), "hello");
        Files.writeString(dir.resolve("wal-12.log"), "not twenty digits");

        assertEquals(records(1, THREE), replay(dir, CONFIG, 0));
        assertEquals("hello", Files.readString(dir.resolve("notes.txt")));
        assertEquals("not twenty digits", Files.readString(dir.resolve("wal-12.log")));
    }

    private void assertRecoversTwoRecordsAndContinuesAtThree(Path file) throws Exception {
        WalTestSupport.Recorder recorder = new WalTestSupport.Recorder();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, recorder)) {
            assertEquals(records(1, "record-1", "record-2"), recorder.records);
            assertEquals(2 * FRAME, Files.size(file));
            assertEquals(2, wal.lastLsn());
            assertEquals(3, wal.append(text("new-3")));
        }
        assertEquals(records(1, "record-1", "record-2", "new-3"), replay(dir, CONFIG, 0));
    }

    private void assertRecoversThreeRecordsAndContinuesAtFour(Path file) throws Exception {
        WalTestSupport.Recorder recorder = new WalTestSupport.Recorder();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, recorder)) {
            assertEquals(records(1, THREE), recorder.records);
            assertEquals(3 * FRAME, Files.size(file));
            assertEquals(4, wal.append(text("new-4")));
        }
        assertEquals(records(1, "record-1", "record-2", "record-3", "new-4"), replay(dir, CONFIG, 0));
    }

    /** Files of at most 72 bytes: wal-1 holds LSNs 1..3, wal-4 holds 4..5. */
    private void writeFiveRecordsInTwoFiles() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, rotatingConfig(), 0, ignoreRecords())) {
            appendAll(wal, "record-1", "record-2", "record-3", "record-4", "record-5");
        }
        assertEquals(List.of("wal-00000000000000000001.log", "wal-00000000000000000004.log"), walFileNames(dir));
    }

    private static WalConfig rotatingConfig() {
        return new WalConfig(FsyncPolicy.ALWAYS, Duration.ZERO, 3 * FRAME, 56);
    }
}
