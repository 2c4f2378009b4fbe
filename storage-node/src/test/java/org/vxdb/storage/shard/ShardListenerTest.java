package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.observe.RecordingListener;
import org.vxdb.storage.observe.StorageListener;
import org.vxdb.storage.wal.FsyncPolicy;

/** What a shard reports to its {@link StorageListener}. */
class ShardListenerTest {

    private static final int DIM = 8;

    @TempDir
    Path dir;

    private Shard open(StorageListener listener, FsyncPolicy policy) throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 1000, policy).withListener(listener));
    }

    @Test
    void shouldReportAWalFsyncForEveryWriteWithPolicyAlways() throws IOException {
        RecordingListener listener = new RecordingListener();
        try (Shard shard = open(listener, FsyncPolicy.ALWAYS)) {
            long atOpen = listener.fsyncs.get();
            for (int i = 0; i < 3; i++) {
                shard.write(ShardFixtures.upserts(i * 10L, 10, 1, DIM));
            }
            assertEquals(3, listener.fsyncs.get() - atOpen);
            assertEquals(3, listener.appendedRecords.get());
            assertTrue(listener.appendedBytes.get() > 30L * DIM * Float.BYTES,
                    "frame bytes " + listener.appendedBytes.get());
            assertTrue(listener.fsyncNanos.get() > 0);
        }
    }

    @Test
    void shouldReportTheSealedRowsWhenFlushed() throws IOException {
        RecordingListener listener = new RecordingListener();
        try (Shard shard = open(listener, FsyncPolicy.NONE)) {
            shard.write(ShardFixtures.upserts(0, 25, 1, DIM));
            shard.flush();
            shard.flush(); // empty buffer: nothing sealed, nothing reported
            shard.write(ShardFixtures.upserts(100, 5, 1, DIM));
            shard.flush();
            assertEquals(List.of(25L, 5L), listener.sealedRows);
        }
    }

    @Test
    void shouldReportRowsRemovedByCompaction() throws IOException {
        RecordingListener listener = new RecordingListener();
        try (Shard shard = open(listener, FsyncPolicy.NONE)) {
            shard.write(ShardFixtures.upserts(0, 20, 1, DIM));
            shard.flush();
            shard.write(ShardFixtures.upserts(0, 5, 2, DIM));
            shard.flush();
            assertEquals(5, shard.compact());
            assertEquals(List.of(5L), listener.compactedRows);
        }
    }

    @Test
    @Tag("faiss")
    void shouldReportAnIndexBuild() throws IOException {
        RecordingListener listener = new RecordingListener();
        ShardConfig config = ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF,Flat", 2_000)).withListener(listener);
        try (Shard shard = Shard.open(config)) {
            for (long first = 0; first < 2_000; first += 500) {
                shard.write(ShardFixtures.upserts(first, 500, 1, DIM));
            }
            shard.awaitIndexing();
            assertEquals(List.of(shard.indexDescription() + " over 2000"), listener.indexesBuilt);
            assertEquals(List.of(), listener.indexFailures);
        }
    }

    @Test
    void shouldKeepWritingWhenTheListenerThrows() throws IOException {
        StorageListener broken = new StorageListener() {
            @Override
            public void walFsync(long nanos) {
                throw new IllegalStateException("metrics broke");
            }

            @Override
            public void segmentSealed(long rows, long nanos) {
                throw new IllegalStateException("metrics broke");
            }
        };
        try (Shard shard = open(broken, FsyncPolicy.ALWAYS)) {
            shard.write(ShardFixtures.upserts(0, 10, 1, DIM));
            shard.flush();
            shard.write(ShardFixtures.upserts(10, 10, 1, DIM));
            assertEquals(20, shard.count());
            assertEquals(1, shard.segmentCount());
        }
        try (Shard shard = open(StorageListener.NONE, FsyncPolicy.ALWAYS)) {
            assertEquals(20, shard.count());
        }
    }
}
