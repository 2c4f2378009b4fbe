package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.storage.wal.WalTestSupport.appendAll;
import static org.vxdb.storage.wal.WalTestSupport.config;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.records;
import static org.vxdb.storage.wal.WalTestSupport.replay;
import static org.vxdb.storage.wal.WalTestSupport.text;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WalAppendTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void shouldReplayAppendedRecordsInOrderAfterReopen(FsyncPolicy policy) {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(policy), 0, ignoreRecords())) {
            assertEquals(1, wal.append(text("one")));
            assertEquals(2, wal.append(text("two")));
            assertEquals(3, wal.append(text("three")));
        }
        assertEquals(records(1, "one", "two", "three"), replay(dir, config(policy), 0));
    }

    @Test
    void shouldContinueWithTheNextLsnAfterReopen() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            appendAll(wal, "one", "two");
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            assertEquals(2, wal.lastLsn());
            assertEquals(2, wal.durableLsn());
            assertEquals(3, wal.append(text("three")));
        }
        assertEquals(records(1, "one", "two", "three"), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldReplayOnlyRecordsAfterReplayAfterLsn() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            appendAll(wal, "one", "two", "three", "four");
        }
        assertEquals(records(3, "three", "four"), replay(dir, config(FsyncPolicy.ALWAYS), 2));
        assertEquals(List.of(), replay(dir, config(FsyncPolicy.ALWAYS), 4));
    }

    @Test
    void shouldStartAfterReplayAfterLsnInAnEmptyDirectory() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 41, ignoreRecords())) {
            assertEquals(41, wal.lastLsn());
            assertEquals(42, wal.append(text("first")));
        }
        assertEquals(records(42, "first"), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldNeverReuseLsnsTheCallerAlreadyHasWhenTheLogEndsEarlier() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            appendAll(wal, "one", "two");
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 10, ignoreRecords())) {
            assertEquals(11, wal.append(text("eleven")));
        }
        assertEquals(List.of(new WalTestSupport.Replayed(1, "one"), new WalTestSupport.Replayed(2, "two"),
                new WalTestSupport.Replayed(11, "eleven")), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldCompleteAsyncAppendsFromOneThreadInSubmissionOrder() {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.BATCH), 0, ignoreRecords())) {
            for (int i = 0; i < 100; i++) {
                payloads.add("record-" + i);
                futures.add(wal.appendAsync(text("record-" + i)));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(i + 1, futures.get(i).join());
            }
        }
        assertEquals(records(1, payloads.toArray(String[]::new)), replay(dir, config(FsyncPolicy.BATCH), 0));
    }

    @Test
    void shouldCopyTheAsyncPayloadBeforeReturning() {
        CompletableFuture<Long> lsn;
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment payload = arena.allocate(8);
                payload.copyFrom(text("original"));
                lsn = wal.appendAsync(payload);
                payload.fill((byte) 'x');
            }
            assertEquals(1, lsn.join());
        }
        assertEquals(records(1, "original"), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldAcceptAPayloadOfExactlyMaxRecordBytes() {
        byte[] largest = new byte[4096];
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            assertEquals(1, wal.append(MemorySegment.ofArray(largest)));
        }
        List<byte[]> replayed = new ArrayList<>();
        WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0,
                (lsn, payload) -> replayed.add(payload.toArray(ValueLayout.JAVA_BYTE))).close();
        assertEquals(1, replayed.size());
        assertEquals(4096, replayed.getFirst().length);
    }

    @Test
    void shouldRoundTripRecordsLargerThanTheWritersStagingBuffer() {
        WalConfig config = new WalConfig(FsyncPolicy.ALWAYS, Duration.ZERO, 4L * 1024 * 1024, 1024 * 1024);
        byte[] large = new byte[600 * 1024 + 3];
        new Random(7).nextBytes(large);
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config, 0, ignoreRecords())) {
            assertEquals(1, wal.append(text("small")));
            assertEquals(2, wal.append(MemorySegment.ofArray(large)));
            assertEquals(3, wal.append(text("after")));
        }
        List<byte[]> replayed = new ArrayList<>();
        WriteAheadLog.open(dir, config, 0, (lsn, payload) -> replayed.add(payload.toArray(ValueLayout.JAVA_BYTE)))
                .close();
        assertEquals(3, replayed.size());
        assertArrayEquals(large, replayed.get(1));
        assertEquals("after", new String(replayed.get(2), StandardCharsets.UTF_8));
    }

    @Test
    void shouldCreateAMissingWalDirectory() {
        Path nested = dir.resolve("node-1").resolve("wal");
        try (WriteAheadLog wal = WriteAheadLog.open(nested, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            assertEquals(1, wal.append(text("one")));
        }
        assertEquals(records(1, "one"), replay(nested, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldRejectAnEmptyPayload() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class,
                    () -> wal.append(MemorySegment.ofArray(new byte[0])));
            IllegalArgumentException async = assertThrows(IllegalArgumentException.class,
                    () -> wal.appendAsync(MemorySegment.ofArray(new byte[0])));
            assertEquals("payload must not be empty", blocking.getMessage());
            assertEquals("payload must not be empty", async.getMessage());
            assertEquals(0, wal.lastLsn());
        }
    }

    @Test
    void shouldRejectAPayloadLargerThanMaxRecordBytes() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class,
                    () -> wal.append(MemorySegment.ofArray(new byte[4097])));
            IllegalArgumentException async = assertThrows(IllegalArgumentException.class,
                    () -> wal.appendAsync(MemorySegment.ofArray(new byte[4097])));
            assertEquals("payload of 4097 bytes exceeds maxRecordBytes (4096)", blocking.getMessage());
            assertEquals("payload of 4097 bytes exceeds maxRecordBytes (4096)", async.getMessage());
            assertEquals("payload of 4097 bytes exceeds maxRecordBytes (4096)", assertThrows(
                    IllegalArgumentException.class, () -> wal.appendOwned(new byte[4097])).getMessage());
            assertEquals("payload must not be empty", assertThrows(IllegalArgumentException.class,
                    () -> wal.appendOwned(new byte[0])).getMessage());
            assertEquals(0, wal.lastLsn());
        }
    }

    @Test
    void shouldReplayARecordAppendedFromAnOwnedArrayAsAnyOther() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.BATCH), 0, ignoreRecords())) {
            assertEquals(1, wal.append(text("one")));
            assertEquals(2, wal.appendOwned("two".getBytes(StandardCharsets.UTF_8)));
            assertEquals(2, wal.durableLsn());
        }
        assertEquals(records(1, "one", "two"), replay(dir, config(FsyncPolicy.BATCH), 0));
    }

    @Test
    void shouldRejectAppendsAfterClose() {
        WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords());
        wal.append(text("one"));
        wal.close();

        IllegalStateException blocking = assertThrows(IllegalStateException.class, () -> wal.append(text("two")));
        IllegalStateException async = assertThrows(IllegalStateException.class, () -> wal.appendAsync(text("two")));
        IllegalStateException release = assertThrows(IllegalStateException.class, () -> wal.releaseUpTo(1));
        assertEquals("WAL is closed", blocking.getMessage());
        assertEquals("WAL is closed", async.getMessage());
        assertEquals("WAL is closed", release.getMessage());
        assertEquals(records(1, "one"), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldTreatASecondCloseAsHarmless() {
        WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords());
        wal.append(text("one"));
        wal.close();
        wal.close();
        assertEquals(records(1, "one"), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }

    @Test
    void shouldWriteQueuedAsyncAppendsBeforeClosing() {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.BATCH), 0, ignoreRecords());
        for (int i = 0; i < 50; i++) {
            futures.add(wal.appendAsync(text("r" + i)));
        }
        wal.close();
        for (int i = 0; i < 50; i++) {
            assertEquals(i + 1, futures.get(i).getNow(-1L));
        }
        assertEquals(50, replay(dir, config(FsyncPolicy.BATCH), 0).size());
    }

    @Test
    void shouldRejectASecondOpenOfTheSameDirectory() {
        try (WriteAheadLog first = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords()));
            assertEquals("WAL directory " + dir + " is already open", e.getMessage());
            assertEquals(1, first.append(text("still usable")));
        }
    }

    @Test
    void shouldRejectANegativeReplayPoint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), -1, ignoreRecords()));
        assertEquals("replayAfterLsn must not be negative: -1", e.getMessage());
    }

    @Test
    void shouldReportAlwaysAppendsDurableWhenTheyReturn() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            long lsn = wal.append(text("one"));
            assertEquals(lsn, wal.lastLsn());
            assertEquals(lsn, wal.durableLsn());
        }
    }

    @Test
    void shouldReportBatchAppendsDurableWhenTheyReturn() {
        WalConfig config = config(FsyncPolicy.BATCH).withBatchWindow(Duration.ofMillis(5));
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config, 0, ignoreRecords())) {
            long lsn = wal.append(text("one"));
            assertEquals(lsn, wal.durableLsn());
        }
    }

    @Test
    void shouldAcknowledgeNoneAppendsWithoutFsyncAndFsyncOnClose() {
        WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.NONE), 0, ignoreRecords());
        long fsyncsAfterOpen = wal.stats().fsyncs();
        appendAll(wal, "one", "two", "three");

        assertEquals(3, wal.lastLsn());
        assertEquals(0, wal.durableLsn());
        assertEquals(fsyncsAfterOpen, wal.stats().fsyncs());

        wal.close();
        assertEquals(3, wal.durableLsn());
        assertEquals(fsyncsAfterOpen + 1, wal.stats().fsyncs());
    }

    @Test
    void shouldCountAppendsFrameBytesAndFsyncs() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            long fsyncsAfterOpen = wal.stats().fsyncs();
            wal.append(text("12345"));
            wal.append(text("123456789"));

            WalStats stats = wal.stats();
            assertEquals(2, stats.appends());
            assertEquals(24 + 32, stats.bytes());
            assertEquals(fsyncsAfterOpen + 2, stats.fsyncs());
        }
    }

    @Test
    void shouldHandTheReplayHandlerAReadOnlyPayload() {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            wal.append(text("one"));
        }
        List<Boolean> readOnly = new ArrayList<>();
        WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, (lsn, payload) -> readOnly.add(payload.isReadOnly()))
                .close();
        assertEquals(List.of(true), readOnly);
    }

    @Test
    void shouldPassPayloadBytesUnchanged() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            wal.append(MemorySegment.ofArray(binary));
        }
        List<byte[]> replayed = new ArrayList<>();
        WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0,
                (lsn, payload) -> replayed.add(payload.toArray(ValueLayout.JAVA_BYTE))).close();
        assertEquals(new String(binary, StandardCharsets.ISO_8859_1),
                new String(replayed.getFirst(), StandardCharsets.ISO_8859_1));
    }
}
