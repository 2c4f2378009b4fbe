package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.backup.BufferRowsFile;
import org.vxdb.storage.backup.ShardRestore;
import org.vxdb.storage.backup.ShardSnapshot;
import org.vxdb.storage.backup.SnapshotFiles;
import org.vxdb.storage.manifest.Manifest;
import org.vxdb.storage.wal.FsyncPolicy;

/** Backup snapshots of a shard: consistent at the snapshot point, immune to later writes, restorable. */
class ShardSnapshotTest {

    private static final int DIM = 8;
    private static final int BUCKETS = 16;

    @TempDir
    Path dir;

    private Shard open(String name, int bufferRows) throws IOException {
        return Shard.open(ShardFixtures.config(dir.resolve(name), DIM, Metric.L2, bufferRows, FsyncPolicy.NONE));
    }

    @Test
    void shouldSnapshotSegmentsAndBufferRowsAndRestoreThemToTheSameDigest() throws IOException {
        try (Shard shard = open("src", 64)) {
            shard.write(ShardFixtures.upserts(0, 150, 1, DIM)); // two 64-row segments + 22 buffered rows
            shard.write(List.of(ShardWrite.delete(3, 2), ShardWrite.delete(140, 2)));
            List<BucketDigest> before = shard.digest(BUCKETS);
            try (ShardSnapshot snapshot = shard.snapshot("s1", BUCKETS)) {
                assertEquals(before, snapshot.digest());
                assertEquals(150, snapshot.records());
                assertEquals(148, snapshot.liveVectors());
                assertEquals(shard.bufferedRows(), snapshot.tailRows());
                assertEquals(Manifest.FILE_NAME, snapshot.files().getFirst());
                assertEquals(BufferRowsFile.NAME, snapshot.files().getLast());
                assertEquals(2, snapshot.files().stream().filter(f -> f.endsWith(".vxs")).count());

                // Writes, seals and compaction after the snapshot point leave the snapshot as it was.
                shard.write(ShardFixtures.upserts(150, 200, 5, DIM));
                shard.write(ShardFixtures.upserts(0, 50, 6, DIM));
                shard.flush();
                shard.compact();
                assertNotEquals(before, shard.digest(BUCKETS));
                for (String f : snapshot.files()) {
                    SnapshotFiles.verify(snapshot.dir().resolve(f));
                }

                try (Shard restored = open("dst", 64)) {
                    ShardRestore.Outcome outcome = new ShardRestore(restored).apply(snapshot.dir(), snapshot.files());
                    assertEquals(152, outcome.rowsApplied());
                    assertEquals(before, restored.digest(BUCKETS));
                    assertEquals(148, restored.count());
                }
            }
            assertFalse(Files.exists(dir.resolve("src/snapshots/s1")));
        }
    }

    @Test
    void shouldTakeTheRowsOfABufferThatASealHasFrozenButNotYetPublished() throws Exception {
        try (Shard shard = open("src", 64)) {
            shard.write(ShardFixtures.upserts(0, 100, 1, DIM)); // one segment + 36 buffered rows
            CountDownLatch sealWaiting = new CountDownLatch(1);
            CountDownLatch publish = new CountDownLatch(1);
            shard.publishHook(what -> {
                sealWaiting.countDown();
                try {
                    publish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread sealer = Thread.ofPlatform().start(shard::flush); // freezes the 36 rows, writes, then waits
            sealWaiting.await();
            List<BucketDigest> expected = shard.digest(BUCKETS);
            try (ShardSnapshot snapshot = shard.snapshot("mid-seal", BUCKETS)) {
                publish.countDown();
                sealer.join();
                assertEquals(36, snapshot.tailRows());
                assertEquals(1, snapshot.files().stream().filter(f -> f.endsWith(".vxs")).count());
                assertEquals(expected, snapshot.digest());
                try (Shard restored = open("dst", 64)) {
                    new ShardRestore(restored).apply(snapshot.dir(), snapshot.files());
                    assertEquals(expected, restored.digest(BUCKETS));
                }
            } finally {
                publish.countDown();
                shard.publishHook(null);
            }
            assertEquals(2, shard.segmentCount());
        }
    }

    @Test
    void shouldNameTheFileAndReasonWhenASnapshotFileIsDamaged() throws IOException {
        try (Shard shard = open("src", 64)) {
            shard.write(ShardFixtures.upserts(0, 100, 1, DIM));
            try (ShardSnapshot snapshot = shard.snapshot("s2", BUCKETS)) {
                Path copies = Files.createDirectory(dir.resolve("copies"));
                for (String f : snapshot.files()) {
                    Files.copy(snapshot.dir().resolve(f), copies.resolve(f)); // never touch the shard's own inode
                }
                String segment = snapshot.files().stream().filter(f -> f.endsWith(".vxs")).findFirst().orElseThrow();
                flipByte(copies.resolve(segment), 300);
                IOException e = assertThrows(IOException.class, () -> SnapshotFiles.verify(copies.resolve(segment)));
                assertTrue(e.getMessage().contains(segment) && e.getMessage().contains("fails its CRC32C check"),
                        e.getMessage());
                flipByte(copies.resolve(BufferRowsFile.NAME), 40);
                IOException tail = assertThrows(IOException.class,
                        () -> SnapshotFiles.verify(copies.resolve(BufferRowsFile.NAME)));
                assertTrue(tail.getMessage().startsWith("buffer rows file " + copies.resolve(BufferRowsFile.NAME)
                        + " is unusable: checksum mismatch (stored "), tail.getMessage());
            }
        }
    }

    @Test
    void shouldRemoveSnapshotsAndStagedRestoresLeftByAStopWhenTheShardOpens() throws IOException {
        try (Shard shard = open("src", 64)) {
            shard.write(ShardFixtures.upserts(0, 100, 1, DIM));
            shard.snapshot("left", BUCKETS); // never closed: as if the node stopped mid-backup
            shard.restoreStagingDir("staged");
        }
        assertTrue(Files.exists(dir.resolve("src/snapshots/left/" + BufferRowsFile.NAME)));
        try (Shard shard = open("src", 64)) {
            assertEquals(100, shard.count());
            assertFalse(Files.exists(dir.resolve("src/snapshots")));
            assertFalse(Files.exists(dir.resolve("src/restore")));
        }
    }

    @Test
    void shouldRejectASnapshotIdThatIsNotAPlainName() throws IOException {
        try (Shard shard = open("src", 64)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> shard.snapshot("../x", BUCKETS));
            assertEquals("snapshot id '../x' is invalid: use 1-64 of [A-Za-z0-9_-]", e.getMessage());
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) at] ^= 0x5A;
        Files.write(file, bytes);
    }
}
