package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.index.Metric;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.wal.FsyncPolicy;

/** Anti-entropy digests and record streaming: equal for equal contents, whatever the row layout. */
class ShardDigestTest {

    private static final int DIM = 8;
    private static final int IDS = 300;

    @TempDir
    Path dir;

    private Shard open(String name, int bufferRows) throws IOException {
        return Shard.open(ShardFixtures.config(dir.resolve(name), DIM, Metric.L2, bufferRows, FsyncPolicy.NONE));
    }

    /**
     * Every write of the test data: ids 0..299 at version 1, every 7th moved at version 3, every 11th
     * deleted at version 4, and two ids that were only ever deleted.
     */
    private static List<ShardWrite> history() {
        List<ShardWrite> writes = new ArrayList<>(ShardFixtures.upserts(0, IDS, 1, DIM));
        for (long id = 0; id < IDS; id += 7) {
            writes.add(ShardWrite.upsert(id, 3, ShardFixtures.vector(id + 10_000, DIM),
                    MetadataCodec.encode(ShardFixtures.metadata(id))));
        }
        for (long id = 0; id < IDS; id += 11) {
            writes.add(ShardWrite.delete(id, 4));
        }
        writes.add(ShardWrite.delete(5_000, 2));
        writes.add(ShardWrite.delete(5_001, 9));
        return writes;
    }

    /** The history in order, in batches of 50, sealed part-way (64-row segments), compacted, rest buffered. */
    private Shard writtenInOrder(String name) throws IOException {
        Shard shard = open(name, 64);
        List<ShardWrite> writes = history();
        for (int from = 0; from < writes.size(); from += 50) {
            shard.write(writes.subList(from, Math.min(writes.size(), from + 50)));
            if (from == 200) {
                shard.flush();
                shard.compact();
            }
        }
        assertTrue(shard.segmentCount() > 0 && shard.bufferedRows() > 0);
        return shard;
    }

    /** The history shuffled (older versions arrive late and lose), one row per batch, all in the buffer. */
    private Shard writtenShuffled(String name, List<ShardWrite> writes) throws IOException {
        Shard shard = open(name, 10_000);
        List<ShardWrite> shuffled = new ArrayList<>(writes);
        Collections.shuffle(shuffled, new Random(42));
        for (ShardWrite w : shuffled) {
            shard.write(List.of(w));
        }
        assertEquals(0, shard.segmentCount());
        return shard;
    }

    @Test
    void shouldGiveEqualDigestsForTheSameRecordsWrittenInDifferentOrdersAndLayouts() throws IOException {
        try (Shard a = writtenInOrder("a"); Shard b = writtenShuffled("b", history())) {
            for (int buckets : new int[] {1, 7, 64, 65_536}) {
                assertEquals(a.digest(buckets), b.digest(buckets), buckets + " buckets");
            }
            List<BucketDigest> one = a.digest(1);
            assertEquals(List.of(new BucketDigest(0, IDS + 2, one.getFirst().hash())), one);
            assertEquals(IDS - 28, a.count(), "28 ids deleted: their tombstones are records of the digest");
        }
    }

    @Test
    void shouldDifferOnlyInTheBucketOfAMissingRecord() throws IOException {
        List<ShardWrite> missing = new ArrayList<>(history());
        missing.removeIf(w -> w.id() == 5);
        try (Shard full = writtenInOrder("full"); Shard partial = writtenShuffled("partial", missing)) {
            assertDifferOnlyIn(full.digest(64), partial.digest(64), IdHashing.bucketOf(5, 64));
            assertEquals(full.digest(64).get(IdHashing.bucketOf(5, 64)).records() - 1,
                    partial.digest(64).get(IdHashing.bucketOf(5, 64)).records());
        }
    }

    @Test
    void shouldDifferWhenARecordIsOlderOrNotDeleted() throws IOException {
        List<ShardWrite> older = new ArrayList<>(history());
        older.removeIf(w -> w.id() == 14 && w.version() == 3); // id 14 stays at version 1
        List<ShardWrite> notDeleted = new ArrayList<>(history());
        notDeleted.replaceAll(w -> w.id() == 22 && w.isDelete()
                ? ShardWrite.upsert(22, 4, ShardFixtures.vector(22, DIM), new byte[0]) : w);
        try (Shard full = writtenInOrder("full"); Shard stale = writtenShuffled("stale", older);
             Shard undeleted = writtenShuffled("undeleted", notDeleted)) {
            assertDifferOnlyIn(full.digest(64), stale.digest(64), IdHashing.bucketOf(14, 64));
            assertDifferOnlyIn(full.digest(64), undeleted.digest(64), IdHashing.bucketOf(22, 64));
        }
    }

    private static void assertDifferOnlyIn(List<BucketDigest> expected, List<BucketDigest> actual, int bucket) {
        assertEquals(expected.size(), actual.size());
        for (int b = 0; b < expected.size(); b++) {
            if (b == bucket) {
                assertNotEquals(expected.get(b), actual.get(b), "bucket " + b);
            } else {
                assertEquals(expected.get(b), actual.get(b), "bucket " + b);
            }
        }
    }

    @Test
    void shouldReproduceTheDigestByWritingTheStreamedRecordsIntoAnEmptyShard() throws IOException {
        try (Shard source = writtenInOrder("source"); Shard target = open("target", 100)) {
            List<Long> streamed = new ArrayList<>();
            source.streamRecords(64, b -> true, 37, batch -> {
                assertTrue(batch.size() <= 37, "batch of " + batch.size());
                batch.forEach(w -> streamed.add(w.id()));
                write(target, batch);
            });
            assertEquals(IDS + 2, streamed.size());
            assertEquals(streamed.stream().sorted().toList(), streamed);
            assertEquals(source.digest(64), target.digest(64));
            assertEquals(source.digest(65_536), target.digest(65_536));
            assertEquals(source.count(), target.count());
            assertEquals(source.maxVersion(), target.maxVersion());
            for (long id : new long[] {1, 7, 11, 299}) {
                assertEquals(source.get(id).isPresent(), target.get(id).isPresent(), "id " + id);
                if (source.get(id).isPresent()) {
                    StoredVector s = source.get(id).orElseThrow();
                    StoredVector t = target.get(id).orElseThrow();
                    assertArrayEquals(s.vector(), t.vector(), "id " + id);
                    assertEquals(s.metadata(), t.metadata(), "id " + id);
                    assertEquals(s.version(), t.version(), "id " + id);
                }
            }
        }
    }

    @Test
    void shouldStreamOnlyTheBucketsTheFilterAccepts() throws IOException {
        try (Shard source = writtenInOrder("source"); Shard target = open("target", 100)) {
            source.streamRecords(16, b -> b % 4 == 1, 50, batch -> {
                batch.forEach(w -> assertEquals(1, IdHashing.bucketOf(w.id(), 16) % 4, "id " + w.id()));
                write(target, batch);
            });
            List<BucketDigest> want = source.digest(16);
            List<BucketDigest> got = target.digest(16);
            for (int b = 0; b < 16; b++) {
                assertEquals(b % 4 == 1 ? want.get(b) : new BucketDigest(b, 0, 0), got.get(b), "bucket " + b);
            }
        }
    }

    @Test
    void shouldStreamARecordAsItIsWhenItsBatchIsRead() throws IOException {
        try (Shard source = writtenInOrder("source")) {
            List<ShardWrite> seen = new ArrayList<>();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> source.streamRecords(1, b -> true, 10, batch -> {
                if (seen.isEmpty()) {
                    write(source, List.of(ShardWrite.delete(250, 20))); // no lock is held while the sink runs
                }
                seen.addAll(batch);
            }));
            ShardWrite last = seen.stream().filter(w -> w.id() == 250).findFirst().orElseThrow();
            assertTrue(last.isDelete());
            assertEquals(20, last.version());
        }
    }

    private static void write(Shard shard, List<ShardWrite> batch) {
        try {
            shard.write(batch, false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldRejectBucketCountsAndBatchSizesOutOfRange() throws IOException {
        try (Shard shard = open("s", 100)) {
            assertEquals("buckets must be 1-65536, got 0",
                    assertThrows(IllegalArgumentException.class, () -> shard.digest(0)).getMessage());
            assertEquals("buckets must be 1-65536, got 65537",
                    assertThrows(IllegalArgumentException.class, () -> shard.digest(65_537)).getMessage());
            assertEquals("buckets must be 1-65536, got -1", assertThrows(IllegalArgumentException.class,
                    () -> shard.streamRecords(-1, b -> true, 10, batch -> { })).getMessage());
            assertEquals("batchRows must be 1-100000, got 0", assertThrows(IllegalArgumentException.class,
                    () -> shard.streamRecords(8, b -> true, 0, batch -> { })).getMessage());
            assertEquals("batchRows must be 1-100000, got 100001", assertThrows(IllegalArgumentException.class,
                    () -> shard.streamRecords(8, b -> true, 100_001, batch -> { })).getMessage());
        }
    }

    @Test
    void shouldGiveEveryBucketOfAnEmptyShardZeroRecordsAndZeroHash() throws IOException {
        try (Shard shard = open("s", 100)) {
            assertEquals(List.of(new BucketDigest(0, 0, 0), new BucketDigest(1, 0, 0), new BucketDigest(2, 0, 0)),
                    shard.digest(3));
            List<List<ShardWrite>> batches = new ArrayList<>();
            shard.streamRecords(3, b -> true, 10, batches::add);
            assertEquals(List.of(), batches);
        }
    }

    @Test
    void shouldKeepTheRecordHashStable() {
        // xxHash64 of (id LE, version LE, deleted byte): replicas of different builds compare these.
        assertEquals(0xf3e137c53e810b07L, BucketDigest.recordHash(1, 1, false));
        assertEquals(0x616cd6cbab29d528L, BucketDigest.recordHash(1, 1, true));
        assertEquals(0x329ec05d2581f5e0L, BucketDigest.recordHash(42, 7, false));
    }
}
