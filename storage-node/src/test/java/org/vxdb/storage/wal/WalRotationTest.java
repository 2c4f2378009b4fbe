package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.replay;
import static org.vxdb.storage.wal.WalTestSupport.text;
import static org.vxdb.storage.wal.WalTestSupport.walFile;
import static org.vxdb.storage.wal.WalTestSupport.walFileNames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalRotationTest {

    /** 40-byte payloads make 56-byte frames: four fit in 256 bytes, the fifth starts a new file. */
    private static final WalConfig CONFIG = new WalConfig(FsyncPolicy.ALWAYS, Duration.ZERO, 256, 64);

    private static final String FILE_1 = "wal-00000000000000000001.log";
    private static final String FILE_5 = "wal-00000000000000000005.log";
    private static final String FILE_9 = "wal-00000000000000000009.log";

    @TempDir
    Path dir;

    private static String payload(long lsn) {
        return "%040d".formatted(lsn);
    }

    private void appendTen(WriteAheadLog wal) {
        for (long lsn = 1; lsn <= 10; lsn++) {
            assertEquals(lsn, wal.append(text(payload(lsn))));
        }
    }

    private static List<WalTestSupport.Replayed> expected(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(l -> new WalTestSupport.Replayed(l, payload(l))).toList();
    }

    @Test
    void shouldStartANewFileNamedForTheRecordThatWouldPassMaxFileBytes() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            appendTen(wal);
        }
        assertEquals(List.of(FILE_1, FILE_5, FILE_9), walFileNames(dir));
        assertEquals(4 * 56, Files.size(walFile(dir, 1)));
        assertEquals(4 * 56, Files.size(walFile(dir, 5)));
        assertEquals(2 * 56, Files.size(walFile(dir, 9)));
    }

    @Test
    void shouldFsyncTheFileItRotatesAway() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG.withPolicy(FsyncPolicy.NONE), 0, ignoreRecords())) {
            long fsyncsAfterOpen = wal.stats().fsyncs();
            appendTen(wal);
            assertEquals(fsyncsAfterOpen + 2, wal.stats().fsyncs());
            assertEquals(8, wal.durableLsn());
        }
    }

    @Test
    void shouldReplayAcrossFilesInLsnOrder() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            appendTen(wal);
        }
        assertEquals(expected(1, 10), replay(dir, CONFIG, 0));
        assertEquals(expected(7, 10), replay(dir, CONFIG, 6));
    }

    @Test
    void shouldReleaseOnlyFilesWhoseRecordsAreAllAtOrBelowTheLsn() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            appendTen(wal);

            wal.releaseUpTo(3);
            assertEquals(List.of(FILE_1, FILE_5, FILE_9), walFileNames(dir));

            wal.releaseUpTo(7);
            assertEquals(List.of(FILE_5, FILE_9), walFileNames(dir));

            wal.releaseUpTo(8);
            assertEquals(List.of(FILE_9), walFileNames(dir));

            wal.releaseUpTo(Long.MAX_VALUE);
            assertEquals(List.of(FILE_9), walFileNames(dir), "the file being written is never released");

            assertEquals(11, wal.append(text(payload(11))));
        }
        assertEquals(expected(9, 11), replay(dir, CONFIG, 0));
    }

    @Test
    void shouldReleaseFilesFoundByRecovery() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            appendTen(wal);
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 4, ignoreRecords())) {
            wal.releaseUpTo(4);
            assertEquals(List.of(FILE_5, FILE_9), walFileNames(dir));
        }
        assertEquals(expected(5, 10), replay(dir, CONFIG, 0));
    }

    @Test
    void shouldContinueInTheRecoveredLastFileUntilItIsFull() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            appendTen(wal);
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, CONFIG, 0, ignoreRecords())) {
            for (long lsn = 11; lsn <= 13; lsn++) {
                assertEquals(lsn, wal.append(text(payload(lsn))));
            }
        }
        assertEquals(List.of(FILE_1, FILE_5, FILE_9, "wal-00000000000000000013.log"), walFileNames(dir));
        assertEquals(expected(1, 13), replay(dir, CONFIG, 0));
    }
}
