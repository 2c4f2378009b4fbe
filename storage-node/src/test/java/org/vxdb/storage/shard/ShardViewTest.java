package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Searches read a published {@link ShardView} without the shard's lock, and what a newer view
 * dropped is closed only once the last search holding an older view lets it go.
 */
class ShardViewTest {

    private static final int DIM = 8;
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private Shard open(int bufferRows) throws Exception {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, bufferRows, FsyncPolicy.NONE));
    }

    @Test
    void searchesAnswerWhileTheWriteLockIsHeld() throws Exception {
        try (Shard shard = open(100)) {
            shard.write(ShardFixtures.upserts(0, 150, 1, DIM)); // a frozen-then-sealed buffer and buffered rows
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = pool.submit(() -> shard.underWriteLock(() -> {
                held.countDown();
                try {
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertTrue(held.await(WAIT_SECONDS, TimeUnit.SECONDS));
            // Both searches finish while the writer still holds the lock: they would wait for it if they took it.
            Future<List<Long>> plain = pool.submit(() -> ShardFixtures.ids(shard.search(
                    ShardFixtures.vector(120, DIM), 1, null)));
            Future<Integer> filtered = pool.submit(() -> shard.search(ShardFixtures.vector(3, DIM), 150,
                    Filter.eq("parity", "odd")).hits().size());
            assertEquals(List.of(120L), plain.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(75, filtered.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertFalse(holder.isDone());
            release.countDown();
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void whatACompactionDropsStaysReadableUntilTheLastViewHoldingItIsReleased() throws Exception {
        try (Shard shard = open(50)) {
            shard.write(ShardFixtures.upserts(0, 200, 1, DIM));
            shard.write(ShardFixtures.upserts(0, 50, 2, DIM)); // supersedes 50 rows: the compaction drops them
            shard.flush();
            int segments = shard.segmentCount();
            ShardView old = shard.acquireView();
            try {
                long closedBefore = shard.viewDropsClosed();
                long sealedRow = old.sealed.getFirst().base() + 3;
                long id = old.idOf(sealedRow);
                float[] vector = old.vectorOf(sealedRow);

                assertEquals(50, shard.compact());
                shard.write(ShardFixtures.upserts(500, 120, 1, DIM)); // seals, grows and freezes buffers too

                // The old segments are gone from the shard but not closed: this view still reads them.
                assertEquals(closedBefore, shard.viewDropsClosed());
                assertEquals(segments, old.sealed.size());
                assertEquals(id, old.idOf(sealedRow));
                assertArrayEquals(vector, old.vectorOf(sealedRow));
                // Searches meanwhile read the newest view: every live id once.
                List<Long> all = ShardFixtures.ids(shard.search(ShardFixtures.vector(0, DIM), 400, null));
                assertEquals(320, all.size());
                assertEquals(320, new HashSet<>(all).size());
            } finally {
                shard.releaseView(old);
            }
            // Released: its segments (and the buffers sealed or grown since) are closed now.
            long closed = shard.viewDropsClosed();
            assertTrue(closed >= segments, "closed " + closed + " of at least " + segments);
            IllegalStateException e = assertThrows(IllegalStateException.class, old::checkHeld);
            assertEquals("shard view read after it was released", e.getMessage());
            assertEquals(320, shard.count());
            assertEquals(List.of(7L), ShardFixtures.ids(shard.search(ShardFixtures.vector(7, DIM), 1, null)));
        }
    }

    /**
     * Upserts of the same ids, in batches that fill, freeze, grow and seal buffers all the time,
     * while searches run without the lock: each search finds every id exactly once, filtered or not.
     */
    @Test
    void searchesDuringUpsertsFindEveryIdExactlyOnce() throws Exception {
        int ids = 50;
        int rounds = 300;
        try (Shard shard = open(64)) {
            shard.write(ShardFixtures.upserts(0, ids, 1, DIM));
            Future<?> writer = pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    // 7 ids at a time, so batches straddle buffer boundaries and ids move between buffers.
                    for (int first = 0; first < ids; first += 7) {
                        shard.write(ShardFixtures.upserts(first, Math.min(7, ids - first), 2 + r, DIM));
                    }
                }
                return null;
            });
            int searches = 0;
            while (!writer.isDone() || searches == 0) {
                SearchOutcome found = shard.search(ShardFixtures.vector(0, DIM), ids, null);
                List<Long> all = ShardFixtures.ids(found);
                assertEquals(ids, all.size(), "ids " + all);
                assertEquals(ids, new HashSet<>(all).size(), "hits " + found.hits());
                List<Long> odd = ShardFixtures.ids(shard.search(ShardFixtures.vector(1, DIM), ids,
                        Filter.eq("parity", "odd")));
                assertEquals(ids / 2, new HashSet<>(odd).size(), "odd ids " + odd);
                assertEquals(ids / 2, odd.size(), "odd ids " + odd);
                searches++;
            }
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(ids, shard.count());
            assertEquals(rounds + 1, shard.get(0).orElseThrow().version());
        }
    }

    /**
     * Deletes and re-creates beside searches, some in one batch (an id twice: the batch cannot
     * announce what it kills): no search returns an id twice, and none returns a deleted record
     * (every live version here is odd, every delete even).
     */
    @Test
    void searchesDuringDeletesAndRecreatesNeverSeeAnIdTwiceOrATombstone() throws Exception {
        int ids = 40;
        int rounds = 200;
        try (Shard shard = open(64)) {
            shard.write(ShardFixtures.upserts(0, ids, 1, DIM));
            Future<?> writer = pool.submit(() -> {
                for (int r = 1; r <= rounds; r++) {
                    long id = r % ids;
                    if (r % 3 == 0) {
                        // Delete and re-create in one batch.
                        List<ShardWrite> batch = new java.util.ArrayList<>(List.of(ShardWrite.delete(id, 2L * r)));
                        batch.addAll(ShardFixtures.upserts(id, 1, 2L * r + 1, DIM));
                        shard.write(batch);
                    } else {
                        shard.write(List.of(ShardWrite.delete(id, 2L * r)));
                        shard.write(ShardFixtures.upserts(id, 1, 2L * r + 1, DIM));
                    }
                }
                return null;
            });
            int searches = 0;
            while (!writer.isDone() || searches == 0) {
                SearchOutcome found = shard.search(ShardFixtures.vector(3, DIM), ids, null);
                List<Long> all = ShardFixtures.ids(found);
                assertEquals(all.size(), new HashSet<>(all).size(), "hits " + found.hits());
                assertTrue(all.size() >= ids - 1, "hits " + found.hits()); // at most one id is between delete and re-create
                for (Hit h : found.hits()) {
                    assertEquals(1, h.version() % 2, "a deleted record was returned: " + h);
                }
                searches++;
            }
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(ids, shard.count());
        }
    }

    @Test
    void aViewCannotBeTakenFromAClosedShard() throws Exception {
        Shard shard = open(50);
        shard.write(ShardFixtures.upserts(0, 80, 1, DIM));
        ShardView held = shard.acquireView();
        shard.close();
        // The search that held a view before the close still reads it; its buffers close when it lets go.
        assertEquals(30, held.buffer.size());
        assertEquals(79L, held.idOf(79));
        shard.releaseView(held);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> shard.search(ShardFixtures.vector(1, DIM), 1, null));
        assertEquals("shard " + dir + " is closed", e.getMessage());
    }
}
