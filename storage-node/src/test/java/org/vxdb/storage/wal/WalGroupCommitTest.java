package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Holds the writer inside an fsync while more appends queue up, which makes group commit observable
 * without timing: nothing queued behind an fsync is acknowledged before an fsync covers it, and one
 * fsync covers the whole queued batch.
 */
class WalGroupCommitTest {

    private static final int QUEUED = 200;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.class, names = {"ALWAYS", "BATCH"})
    void shouldAcknowledgeQueuedAppendsOnlyAfterOneFsyncCoversThemAll(FsyncPolicy policy) throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        WalConfig config = new WalConfig(policy, Duration.ofNanos(1), 1024 * 1024, 1024);
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config, 0, ignoreRecords(), channels)) {
            long fsyncsAfterOpen = wal.stats().fsyncs();
            channels.holdNextForce();
            CompletableFuture<Long> first = wal.appendAsync(text("first"));
            channels.awaitForceHeld();

            List<CompletableFuture<Long>> queued = new ArrayList<>();
            for (int i = 0; i < QUEUED; i++) {
                queued.add(wal.appendAsync(text("queued-" + i)));
            }
            assertFalse(first.isDone(), "the first append waits for its fsync");
            assertFalse(queued.stream().anyMatch(CompletableFuture::isDone), "queued appends wait for their fsync");
            assertEquals(0, wal.durableLsn());

            channels.releaseForce();
            assertEquals(1, first.join());
            for (int i = 0; i < QUEUED; i++) {
                assertEquals(i + 2, queued.get(i).join());
            }
            assertEquals(QUEUED + 1, wal.durableLsn());
            assertEquals(fsyncsAfterOpen + 2, wal.stats().fsyncs(), "one fsync for the first, one for the batch");
        }
    }

    @Test
    void shouldAcknowledgeNoneAppendsWithoutFsyncAndMakeCloseWaitForOne() throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        WalConfig config = new WalConfig(FsyncPolicy.NONE, Duration.ZERO, 1024 * 1024, 1024);
        WriteAheadLog wal = WriteAheadLog.open(dir, config, 0, ignoreRecords(), channels);
        long fsyncsAfterOpen = wal.stats().fsyncs();
        for (int i = 0; i < QUEUED; i++) {
            assertEquals(i + 1, wal.append(text("record-" + i)));
        }
        assertEquals(fsyncsAfterOpen, wal.stats().fsyncs());
        assertEquals(0, wal.durableLsn());

        channels.holdNextForce();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(wal::close);
        channels.awaitForceHeld();
        assertFalse(closing.isDone(), "close waits for its fsync");
        channels.releaseForce();
        closing.join();
        assertEquals(QUEUED, wal.durableLsn());
        assertEquals(fsyncsAfterOpen + 1, wal.stats().fsyncs());
    }
}
