package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.storage.wal.WalTestSupport.config;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.records;
import static org.vxdb.storage.wal.WalTestSupport.replay;
import static org.vxdb.storage.wal.WalTestSupport.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalFailureTest {

    @TempDir
    Path dir;

    @Test
    void shouldFailThePendingAppendAndEveryLaterAppendWhenFsyncFails() throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        IOException fsyncFailure = new IOException("injected fsync failure");
        WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords(), channels);
        assertEquals(1, wal.append(text("durable")));

        channels.failForceWith(fsyncFailure);
        CompletableFuture<Long> pending = wal.appendAsync(text("never acknowledged"));
        ExecutionException failed = assertThrows(ExecutionException.class, pending::get);
        assertSame(fsyncFailure, failed.getCause());

        IllegalStateException later = assertThrows(IllegalStateException.class, () -> wal.append(text("later")));
        assertEquals("WAL failed and must be reopened: injected fsync failure", later.getMessage());
        assertSame(fsyncFailure, later.getCause());
        IllegalStateException laterAsync = assertThrows(IllegalStateException.class,
                () -> wal.appendAsync(text("later")));
        assertEquals("WAL failed and must be reopened: injected fsync failure", laterAsync.getMessage());
        assertEquals(1, wal.durableLsn());

        wal.close();
    }

    @Test
    void shouldThrowTheIoErrorFromABlockingAppend() {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        IOException fsyncFailure = new IOException("injected fsync failure");
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.BATCH), 0, ignoreRecords(), channels)) {
            channels.failForceWith(fsyncFailure);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> wal.append(text("one")));
            assertEquals("cannot append to WAL in " + dir + ": injected fsync failure", e.getMessage());
            assertSame(fsyncFailure, e.getCause());
        }
    }

    @Test
    void shouldNeverAcknowledgeAnAppendWhoseWriteFailed() throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        IOException writeFailure = new IOException("injected write failure");
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.NONE), 0, ignoreRecords(), channels)) {
            assertEquals(1, wal.append(text("written")));
            channels.failWritesWith(writeFailure);

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> wal.appendAsync(text("lost")).get());
            assertSame(writeFailure, failed.getCause());
            assertEquals(1, wal.lastLsn());
        }
        assertEquals(records(1, "written"), replay(dir, config(FsyncPolicy.NONE), 0));
    }

    @Test
    void shouldReportAFailedFinalFsyncFromClose() {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.NONE), 0, ignoreRecords(), channels);
        wal.append(text("one"));
        channels.failForceWith(new IOException("injected fsync failure"));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, wal::close);
        assertEquals("cannot close WAL in " + dir + ": injected fsync failure", e.getMessage());
        assertEquals(0, wal.durableLsn());
        wal.close();
    }

    @Test
    void shouldReopenAfterAFailureWithEveryAcknowledgedRecord() {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords(), channels)) {
            wal.append(text("one"));
            wal.append(text("two"));
            channels.failWritesWith(new IOException("injected write failure"));
            assertThrows(UncheckedIOException.class, () -> wal.append(text("three")));
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            assertEquals(3, wal.append(text("three again")));
        }
        assertEquals(records(1, "one", "two", "three again"), replay(dir, config(FsyncPolicy.ALWAYS), 0));
    }
}
