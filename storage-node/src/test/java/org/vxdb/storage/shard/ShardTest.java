package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.memory.NativeMemoryExhaustedException;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.wal.FsyncPolicy;

/** Writes, versions, deletes, filters and restarts across the buffer and sealed segments. */
class ShardTest {

    private static final int DIM = 16;

    @TempDir
    Path dir;

    private Shard open(int bufferRows) throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, bufferRows, FsyncPolicy.ALWAYS));
    }




    @Test
    void shouldSeeAnAcknowledgedWriteInTheNextSearchAndGet() throws IOException {
        try (Shard shard = open(1000)) {
            shard.write(ShardFixtures.upserts(7, 1, 1, DIM));
            SearchOutcome o = shard.search(ShardFixtures.vector(7, DIM), 3, null);
            assertEquals(List.of(7L), ShardFixtures.ids(o));
            assertEquals(0f, o.hits().get(0).distance());
            assertEquals(ShardFixtures.metadata(7), o.hits().get(0).metadata());
            StoredVector v = shard.get(7).orElseThrow();
            assertArrayEquals(ShardFixtures.vector(7, DIM), v.vector());
            assertEquals(1, v.version());
            assertEquals(1, shard.count());
        }
    }

    @Test
    void shouldMatchBruteForceAcrossBufferAndSegmentsWithUpsertsAndDeletes() throws IOException {
        Map<Long, float[]> live = new HashMap<>();
        try (Shard shard = open(64)) {
            for (long first = 0; first < 1000; first += 100) {
                shard.write(ShardFixtures.upserts(first, 100, 1, DIM));
            }
            for (long id = 0; id < 1000; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            // newer versions move some vectors; an older version must not win
            List<ShardWrite> moves = new ArrayList<>();
            for (long id = 0; id < 1000; id += 7) {
                float[] moved = ShardFixtures.vector(id + 5000, DIM);
                moves.add(ShardWrite.upsert(id, 3, moved, MetadataCodec.encode(ShardFixtures.metadata(id))));
                live.put(id, moved);
            }
            shard.write(moves);
            shard.write(List.of(ShardWrite.upsert(21, 2, ShardFixtures.vector(99_999, DIM), new byte[0]))); // stale
            List<ShardWrite> deletes = new ArrayList<>();
            for (long id = 3; id < 1000; id += 11) {
                deletes.add(ShardWrite.delete(id, 4));
                live.remove(id);
            }
            shard.write(deletes);
            shard.write(List.of(ShardWrite.delete(5, 1))); // same version as the upsert: not newer, ignored
            assertTrue(shard.segmentCount() >= 15, "segments: " + shard.segmentCount());
            assertEquals(live.size(), shard.count());
            for (long qid = 2000; qid < 2020; qid++) {
                float[] q = ShardFixtures.vector(qid, DIM);
                assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(shard.search(q, 10, null)), "query " + qid);
            }
            assertFalse(shard.get(3).isPresent());
            assertArrayEquals(live.get(21L), shard.get(21).orElseThrow().vector());
            assertEquals(3, shard.get(21).orElseThrow().version());
            assertTrue(shard.get(5).isPresent());
        }
        try (Shard reopened = open(64)) {
            assertEquals(live.size(), reopened.count());
            for (long qid = 2000; qid < 2010; qid++) {
                float[] q = ShardFixtures.vector(qid, DIM);
                assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(reopened.search(q, 10, null)), "after restart " + qid);
            }
        }
    }

    @Test
    void shouldReturnExactlyTheFilteredTopK() throws IOException {
        Map<Long, float[]> live = new HashMap<>();
        try (Shard shard = open(300)) {
            for (long first = 0; first < 2000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            for (long id = 0; id < 2000; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            List<Filter> filters = List.of(
                    Filter.eq("bucket", 42),                                              // 1%: 20 rows
                    Filter.and(Filter.eq("parity", "odd"), Filter.between("id", 100, 160)), // 30 rows
                    Filter.in("bucket", 1, 2, 3),                                         // 3%
                    Filter.not(Filter.eq("parity", "even")),                              // broad: 50%
                    Filter.range("id", 1990.0, true, null, false));                       // 10 rows < k=15
            for (Filter f : filters) {
                float[] q = ShardFixtures.vector(777_777, DIM);
                SearchOutcome o = shard.search(q, 15, f);
                assertEquals(ShardFixtures.bruteForce(live, q, 15, f), ShardFixtures.ids(o), f.toString());
                assertTrue(o.plan().matches("filter:exact-matches est=\\d+"), o.plan());
            }
            assertEquals(10, shard.search(ShardFixtures.vector(1, DIM), 15,
                    Filter.range("id", 1990.0, true, null, false)).hits().size());
        }
    }

    @Test
    void shouldRecoverUnsealedRowsFromTheWal() throws IOException {
        try (Shard shard = open(100_000)) {
            shard.write(ShardFixtures.upserts(0, 50, 1, DIM));
            shard.write(List.of(ShardWrite.delete(10, 2)));
            assertEquals(0, shard.segmentCount());
        }
        try (Shard shard = open(100_000)) {
            assertEquals(49, shard.count());
            assertEquals(51, shard.bufferedRows()); // 50 upserts + 1 tombstone row, replayed
            assertFalse(shard.get(10).isPresent());
            assertEquals(List.of(11L), ShardFixtures.ids(shard.search(ShardFixtures.vector(11, DIM), 1, null)));
        }
    }

    @Test
    void shouldQuarantineACorruptSegmentAndServeTheRest() throws IOException {
        try (Shard shard = open(100)) {
            shard.write(ShardFixtures.upserts(0, 300, 1, DIM));
            assertEquals(3, shard.segmentCount());
        }
        Path victim;
        try (Stream<Path> files = Files.list(dir)) {
            victim = files.filter(p -> p.getFileName().toString().endsWith(".vxs")).sorted().toList().get(1);
        }
        try (FileChannel ch = FileChannel.open(victim, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long at = ch.size() / 2;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b.flip(), at);
        }
        try (Shard shard = open(100)) {
            assertEquals(List.of(victim.getFileName().toString()), shard.quarantined());
            assertTrue(Files.exists(dir.resolve("quarantine").resolve(victim.getFileName())));
            assertEquals(2, shard.segmentCount());
            assertEquals(200, shard.count());
            assertEquals(List.of(5L), ShardFixtures.ids(shard.search(ShardFixtures.vector(5, DIM), 1, null)));
            assertEquals(List.of(250L), ShardFixtures.ids(shard.search(ShardFixtures.vector(250, DIM), 1, null)));
        }
    }

    @Test
    void shouldRejectBadWritesAndChangeNothing() throws IOException {
        try (Shard shard = open(1000)) {
            shard.write(ShardFixtures.upserts(1, 1, 1, DIM));
            assertEquals("write batch is empty",
                    assertThrows(IllegalArgumentException.class, () -> shard.write(List.of())).getMessage());
            assertEquals("row 1 (id 9): vector has 3 dimensions, the collection has 16",
                    assertThrows(IllegalArgumentException.class, () -> shard.write(List.of(
                            ShardWrite.upsert(8, 1, new float[DIM], null),
                            ShardWrite.upsert(9, 1, new float[3], null)))).getMessage());
            float[] nan = new float[DIM];
            nan[4] = Float.NaN;
            assertEquals("row 0 (id 8): component 4 is not finite (NaN)", assertThrows(IllegalArgumentException.class,
                    () -> shard.write(List.of(ShardWrite.upsert(8, 1, nan, null)))).getMessage());
            assertEquals("row 0 (id 8): version must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                    () -> shard.write(List.of(ShardWrite.upsert(8, 0, new float[DIM], null)))).getMessage());
            assertEquals("row 0 (id 8): metadata is 70000 bytes; at most 65536", assertThrows(
                    IllegalArgumentException.class,
                    () -> shard.write(List.of(ShardWrite.upsert(8, 1, new float[DIM], new byte[70_000])))).getMessage());
            assertEquals("query has 2 dimensions, the collection has 16", assertThrows(IllegalArgumentException.class,
                    () -> shard.search(new float[2], 1, null)).getMessage());
            assertEquals("k must be between 1 and 100000, got 0", assertThrows(IllegalArgumentException.class,
                    () -> shard.search(new float[DIM], 0, null)).getMessage());
            assertEquals(1, shard.count());
            assertFalse(shard.get(8).isPresent());
        }
        try (Shard reopened = open(1000)) {
            assertEquals(1, reopened.count());
        }
    }

    @Test
    void shouldCompactAwayDeadRowsAndKeepAnswering() throws IOException {
        Map<Long, float[]> live = new HashMap<>();
        try (Shard shard = open(100)) {
            for (long first = 0; first < 1000; first += 100) {
                shard.write(ShardFixtures.upserts(first, 100, 1, DIM));
            }
            for (long id = 0; id < 1000; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            List<ShardWrite> changes = new ArrayList<>();
            for (long id = 0; id < 1000; id += 2) {
                changes.add(ShardWrite.delete(id, 2));
                live.remove(id);
            }
            for (long id = 1; id < 200; id += 2) {
                float[] moved = ShardFixtures.vector(id + 70_000, DIM);
                changes.add(ShardWrite.upsert(id, 3, moved, MetadataCodec.encode(ShardFixtures.metadata(id))));
                live.put(id, moved);
            }
            shard.write(changes.subList(0, 300));
            shard.write(changes.subList(300, changes.size()));
            shard.write(ShardFixtures.upserts(5000, 30, 1, DIM)); // stays in the buffer across compaction
            for (long id = 5000; id < 5030; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            int segmentsBefore = shard.segmentCount();
            long dropped = shard.compact();
            assertEquals(600, dropped, "500 originals replaced by tombstones, 100 by newer versions");
            assertTrue(shard.segmentCount() < segmentsBefore, shard.segmentCount() + " segments after compaction");
            assertEquals(live.size(), shard.count());
            for (long qid = 3000; qid < 3010; qid++) {
                float[] q = ShardFixtures.vector(qid, DIM);
                assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(shard.search(q, 10, null)), "query " + qid);
            }
            shard.write(List.of(ShardWrite.upsert(0, 1, ShardFixtures.vector(0, DIM), new byte[0])));
            assertFalse(shard.get(0).isPresent(), "the kept tombstone (version 2) still beats version 1");
        }
        try (Shard reopened = open(100); Stream<Path> files = Files.list(dir)) {
            assertEquals(reopened.segmentCount(),
                    files.filter(p -> p.getFileName().toString().endsWith(".vxs")).count(), "old segments deleted");
            assertEquals(live.size(), reopened.count());
            float[] q = ShardFixtures.vector(3000, DIM);
            assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(reopened.search(q, 10, null)));
        }
    }

    private Path onlyWalFile() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
            assertEquals(1, logs.size(), "WAL files: " + logs);
            return logs.get(0);
        }
    }

    @Test
    void shouldCutATornWalTailAndKeepEverythingBeforeIt() throws IOException {
        try (Shard shard = open(100_000)) {
            shard.write(ShardFixtures.upserts(0, 20, 1, DIM));
            shard.write(ShardFixtures.upserts(20, 20, 1, DIM));
        }
        Path wal = onlyWalFile();
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 200, 1, 0, 0, 9, 9, 9}), ch.size()); // a half-written frame
        }
        try (Shard shard = open(100_000)) {
            assertEquals(40, shard.count());
            shard.write(ShardFixtures.upserts(40, 5, 1, DIM));
        }
        try (Shard shard = open(100_000)) {
            assertEquals(45, shard.count());
        }
    }

    @Test
    void shouldRefuseToOpenOnCorruptionInTheMiddleOfTheWal() throws IOException {
        try (Shard shard = open(100_000)) {
            shard.write(ShardFixtures.upserts(0, 20, 1, DIM));
            shard.write(ShardFixtures.upserts(20, 20, 1, DIM));
        }
        Path wal = onlyWalFile();
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, 100);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            ch.write(b.flip(), 100); // inside the first record's payload
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> open(100_000));
        assertEquals("corrupt WAL record in " + wal + " at offset 0: CRC mismatch", e.getMessage());
    }

    @Test
    void shouldRefuseToOpenWhenTheBufferDoesNotFitTheMemoryBudget() {
        NativeMemoryBudget budget = new NativeMemoryBudget(256L << 10);
        ShardConfig config = ShardFixtures.config(dir, DIM, Metric.L2, 100_000, FsyncPolicy.ALWAYS).withBudget(budget);
        // A new buffer starts at a sixteenth of bufferRows (6250 rows of 16-d) and grows as rows come.
        assertEquals("native memory budget exceeded: memory buffer of shard " + dir + " needs 494.4 KiB, 0 B of "
                + "256.0 KiB already in use", assertThrows(NativeMemoryExhaustedException.class, () -> Shard.open(config))
                .getMessage());
        assertEquals(0, budget.used());
    }

    @Test
    void shouldStoreCosineVectorsNormalised() throws IOException {
        try (Shard shard = Shard.open(ShardFixtures.config(dir, 2, Metric.COSINE, 10, FsyncPolicy.BATCH))) {
            shard.write(List.of(ShardWrite.upsert(1, 1, new float[] {3, 4}, null),
                    ShardWrite.upsert(2, 1, new float[] {0, 10}, MetadataCodec.encode(Metadata.of("k", "v")))));
            assertArrayEquals(new float[] {0.6f, 0.8f}, shard.get(1).orElseThrow().vector(), 1e-6f);
            SearchOutcome o = shard.search(new float[] {0, 0.5f}, 2, null);
            assertEquals(List.of(2L, 1L), ShardFixtures.ids(o));
            assertEquals(0f, o.hits().get(0).distance(), 1e-6);
            assertEquals(0.2f, o.hits().get(1).distance(), 1e-6);
            assertEquals(Arrays.asList(Metadata.of("k", "v"), Metadata.EMPTY),
                    o.hits().stream().map(Hit::metadata).toList());
        }
    }
}
