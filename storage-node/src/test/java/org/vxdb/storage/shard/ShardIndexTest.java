package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.memory.NativeMemoryExhaustedException;
import org.vxdb.storage.wal.FsyncPolicy;

/** The IVF index over sealed data: built in the background, searched with filters, reloaded without retraining. */
@Tag("faiss")
class ShardIndexTest {

    private static final int DIM = 16;

    @TempDir
    Path dir;

    private Shard open() throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF,Flat", 2_000)));
    }




    private Path indexFile() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith("index-")).toList();
            assertEquals(1, found.size(), "index files: " + found);
            return found.get(0);
        }
    }

    @Test
    void shouldBuildSearchFilterAndReloadTheIndex() throws IOException {
        Map<Long, float[]> live = new HashMap<>();
        SearchParams all = SearchParams.nprobe(1 << 20); // every list: the index answers exactly
        FileTime built;
        long indexed;
        try (Shard shard = open()) {
            for (long first = 0; first < 6_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
                shard.awaitIndexing();
            }
            for (long id = 0; id < 6_000; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            shard.awaitIndexing();
            assertEquals(6_000, shard.indexedRows());
            assertTrue(shard.indexDescription().matches("IVF\\d+,Flat"), shard.indexDescription());

            List<ShardWrite> deletes = new ArrayList<>();
            for (long id = 0; id < 6_000; id += 5) {
                deletes.add(ShardWrite.delete(id, 2));
                live.remove(id);
            }
            shard.write(deletes);
            for (long qid = 10_000; qid < 10_010; qid++) {
                float[] q = ShardFixtures.vector(qid, DIM);
                SearchOutcome o = shard.search(q, 10, null, all);
                // The plan names the setting that ran and the recall measured there (once calibration samples exist).
                assertTrue(o.plan().matches("index nprobe=1048576 recall=(unmeasured|[01]\\.\\d{3})"), o.plan());
                assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(o), "query " + qid);
            }
            float[] q = ShardFixtures.vector(20_000, DIM);
            Filter selective = Filter.eq("bucket", 42);     // 60 rows, 48 alive
            Filter broad = Filter.not(Filter.eq("bucket", 42)); // all but 1%
            SearchOutcome s = shard.search(q, 10, selective, all);
            assertTrue(s.plan().matches("filter:exact-matches est=\\d+"), s.plan());
            assertEquals(ShardFixtures.bruteForce(live, q, 10, selective), ShardFixtures.ids(s));
            SearchOutcome b = shard.search(q, 10, broad, all);
            assertTrue(b.plan().matches("filter:index(\\+post)? est=\\d+ nprobe=\\d+ recall=(unmeasured|[01]\\.\\d{3})"), b.plan());
            assertEquals(ShardFixtures.bruteForce(live, q, 10, broad), ShardFixtures.ids(b));
            SearchOutcome defaults = shard.search(q, 10, broad);
            assertEquals(10, defaults.hits().size());
            shard.awaitIndexing();
            indexed = shard.indexedRows(); // the tombstones' segments too
        }
        built = Files.getLastModifiedTime(indexFile()); // the grown index is saved at close
        try (Shard shard = open()) {
            assertEquals(indexed, shard.indexedRows(), "loaded at open, not rebuilt");
            shard.awaitIndexing();
            assertEquals(built, Files.getLastModifiedTime(indexFile()), "no retraining after restart");
            float[] q = ShardFixtures.vector(10_001, DIM);
            assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(shard.search(q, 10, null, all)));
        }
    }

    private Shard openDeferring(Duration quiet) throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF,Flat", 2_000))
                .withBuildGate(new IndexBuildGate(1, quiet, Duration.ofHours(1))));
    }

    private static Map<Long, float[]> written(long rows) {
        Map<Long, float[]> live = new HashMap<>();
        for (long id = 0; id < rows; id++) {
            live.put(id, ShardFixtures.vector(id, DIM));
        }
        return live;
    }

    @Test
    void shouldDeferTheIndexBuildWhileWritesKeepComingAndScanExactlyMeanwhile() throws IOException {
        try (Shard shard = openDeferring(Duration.ofHours(1))) {
            for (long first = 0; first < 3_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            // 3,000 rows sealed, past the build threshold; the build waits for an hour without writes.
            assertEquals(0, shard.indexedRows());
            float[] q = ShardFixtures.vector(10_000, DIM);
            SearchOutcome o = shard.search(q, 10, null);
            assertEquals("exact-scan", o.plan());
            assertEquals(ShardFixtures.bruteForce(written(3_000), q, 10, null), ShardFixtures.ids(o));
        } // closing stops the waiting build: this returns
        try (Shard shard = openDeferring(Duration.ofHours(1))) {
            shard.awaitIndexing(); // no write since open: the build is not deferred
            assertEquals(3_000, shard.indexedRows());
        }
    }

    @Test
    void shouldNotDeferTheIndexOfAShardThatIsSearched() throws IOException {
        try (Shard shard = openDeferring(Duration.ofHours(1))) {
            for (long first = 0; first < 3_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            assertEquals(0, shard.indexedRows());
            float[] q = ShardFixtures.vector(10_000, DIM);
            assertEquals("exact-scan", shard.search(q, 10, null).plan());
            // Searches need the index: the waiting build goes ahead although writes were just made.
            shard.awaitIndexing();
            assertEquals(3_000, shard.indexedRows());
            SearchOutcome o = shard.search(q, 10, null, SearchParams.nprobe(1 << 20));
            assertTrue(o.plan().startsWith("index nprobe=1048576"), o.plan());
            assertEquals(ShardFixtures.bruteForce(written(3_000), q, 10, null), ShardFixtures.ids(o));
        }
    }

    @Test
    void shouldCatchUpWithTheIndexOnceWritesPause() throws IOException {
        SearchParams all = SearchParams.nprobe(1 << 20);
        try (Shard shard = openDeferring(Duration.ofMillis(100))) {
            for (long first = 0; first < 6_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            shard.awaitIndexing(); // the queued work waits for 100 ms without writes, then builds
            shard.flush();
            shard.awaitIndexing();
            assertEquals(6_000, shard.indexedRows());
            float[] q = ShardFixtures.vector(10_001, DIM);
            SearchOutcome o = shard.search(q, 10, null, all);
            assertTrue(o.plan().startsWith("index nprobe=1048576"), o.plan());
            assertEquals(ShardFixtures.bruteForce(written(6_000), q, 10, null), ShardFixtures.ids(o));
        }
    }

    @Test
    void shouldRebuildTheIndexAfterCompaction() throws IOException {
        Map<Long, float[]> live = new HashMap<>();
        try (Shard shard = open()) {
            for (long first = 0; first < 4_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            for (long id = 0; id < 4_000; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            List<ShardWrite> deletes = new ArrayList<>();
            for (long id = 0; id < 4_000; id += 2) {
                deletes.add(ShardWrite.delete(id, 2));
                live.remove(id);
            }
            for (int i = 0; i < deletes.size(); i += 250) {
                shard.write(deletes.subList(i, Math.min(deletes.size(), i + 250)));
            }
            shard.awaitIndexing();
            assertEquals(2_000, shard.compact(), "the 2000 originals the tombstones replaced");
            shard.awaitIndexing();
            assertEquals(4_000, shard.indexedRows(), "2000 live rows and 2000 tombstones, re-indexed");
            float[] q = ShardFixtures.vector(12_345, DIM);
            SearchOutcome o = shard.search(q, 10, null, SearchParams.nprobe(1 << 20));
            // The plan names the setting that ran and the recall measured there (once calibration samples exist).
                assertTrue(o.plan().matches("index nprobe=1048576 recall=(unmeasured|[01]\\.\\d{3})"), o.plan());
            assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(o));
        }
    }

    @Test
    void shouldSkipTheIndexAndRefuseSearchesPastTheMemoryBudget() throws IOException {
        long buffer = org.vxdb.storage.buffer.MemoryBuffer.bytesFor(DIM, 500);
        NativeMemoryBudget budget = new NativeMemoryBudget(buffer + (64L << 10));
        Map<Long, float[]> live = new HashMap<>();
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF,Flat", 2_000)).withBudget(budget))) {
            for (long first = 0; first < 3_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            for (long id = 0; id < 3_000; id++) {
                live.put(id, ShardFixtures.vector(id, DIM));
            }
            shard.awaitIndexing();
            assertEquals(0, shard.indexedRows());
            assertTrue(shard.indexError().startsWith("native memory budget exceeded: building IVF"),
                    shard.indexError());
            float[] q = ShardFixtures.vector(4_321, DIM);
            SearchOutcome o = shard.search(q, 10, null);
            assertEquals("exact-scan", o.plan());
            assertEquals(ShardFixtures.bruteForce(live, q, 10, null), ShardFixtures.ids(o));
        }
        assertEquals(0, budget.used(), "everything released at close");
    }

    @Test
    void shouldRefuseASearchWhoseBitmapDoesNotFit() throws IOException, InterruptedException {
        NativeMemoryBudget budget = new NativeMemoryBudget(1L << 30);
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of("IVF,Flat", 2_000)).withBudget(budget))) {
            for (long first = 0; first < 3_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            shard.awaitIndexing();
            assertEquals(3_000, shard.indexedRows());
            RecallCalibrator.awaitIdle(); // its samples reserve search memory too
            float[] q = ShardFixtures.vector(1, DIM);
            try (NativeMemoryBudget.Reservation hog = budget.reserve(budget.limit() - budget.used(), "test")) {
                assertTrue(assertThrows(NativeMemoryExhaustedException.class, () -> shard.search(q, 10, null))
                        .getMessage().startsWith("native memory budget exceeded: search bitmap over 3000 rows needs "));
            }
            assertEquals(1L, ShardFixtures.ids(shard.search(q, 1, null)).get(0));
        }
    }

    @Test
    void shouldRebuildADamagedIndexFile() throws IOException {
        try (Shard shard = open()) {
            for (long first = 0; first < 3_000; first += 250) {
                shard.write(ShardFixtures.upserts(first, 250, 1, DIM));
            }
            shard.awaitIndexing();
            assertEquals(3_000, shard.indexedRows());
        }
        Path file = indexFile();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        try (Shard shard = open()) {
            assertEquals(0, shard.indexedRows(), "the damaged index is not used");
            shard.awaitIndexing();
            assertEquals(3_000, shard.indexedRows(), "rebuilt in the background");
            float[] q = ShardFixtures.vector(7, DIM);
            assertEquals(7L, ShardFixtures.ids(shard.search(q, 1, null, SearchParams.nprobe(1 << 20))).get(0));
        }
    }
}
