package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Seals and compactions write their files outside the shard's read/write lock: a test holds one
 * mid-way (just before it publishes) and searches, reads and writes the same shard meanwhile.
 */
class ShardSealConcurrencyTest {

    private static final int DIM = 8;
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Blocks the first publication of {@code what} until released. */
    private static final class Hold {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final String what;
        private boolean used;

        Hold(String what) {
            this.what = what;
        }

        synchronized boolean claim(String stage) {
            if (used || !stage.equals(what)) {
                return false;
            }
            used = true;
            return true;
        }

        void accept(String stage) {
            if (!claim(stage)) {
                return;
            }
            reached.countDown();
            try {
                assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS), "the test never released the " + what);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitReached() throws InterruptedException {
            assertTrue(reached.await(WAIT_SECONDS, TimeUnit.SECONDS), "no " + what + " reached publication");
        }
    }

    private static float[] query(long id) {
        return ShardFixtures.vector(id, DIM);
    }

    @Test
    void searchesReadsAndWritesGoOnWhileASealIsHeldMidWay() throws Exception {
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 100, FsyncPolicy.ALWAYS))) {
            Hold hold = new Hold("seal");
            shard.publishHook(hold::accept);
            // 100 rows fill the buffer: this write freezes it and then seals it, held before publishing.
            Future<?> sealing = pool.submit(() -> {
                shard.write(ShardFixtures.upserts(0, 100, 1, DIM));
                return null;
            });
            hold.awaitReached();

            assertEquals(0, shard.segmentCount());
            assertEquals(100, shard.count());
            assertEquals(100, shard.bufferedRows());
            // The frozen rows answer searches, filters and reads.
            assertEquals(List.of(7L), ShardFixtures.ids(shard.search(query(7), 1, null)));
            assertEquals(50, shard.search(query(3), 100, Filter.eq("parity", "odd")).hits().size());
            assertEquals(1, shard.get(42).orElseThrow().version());
            // Writes go into the fresh buffer while the seal is held: new ids, an upsert and a delete of frozen rows.
            pool.submit(() -> {
                shard.write(ShardFixtures.upserts(100, 30, 1, DIM));
                shard.write(ShardFixtures.upserts(42, 1, 2, DIM));
                shard.write(List.of(ShardWrite.delete(7, 2)));
                return null;
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(129, shard.count());
            assertEquals(2, shard.get(42).orElseThrow().version());
            assertTrue(shard.get(7).isEmpty());
            assertEquals(List.of(120L), ShardFixtures.ids(shard.search(query(120), 1, null)));
            assertTrue(!ShardFixtures.ids(shard.search(query(7), 129, null)).contains(7L));
            assertEquals(0, shard.segmentCount());

            hold.release.countDown();
            sealing.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(1, shard.segmentCount());
            assertEquals(32, shard.bufferedRows());
            assertEquals(129, shard.count());
            List<Long> all = ShardFixtures.ids(shard.search(query(0), 200, null));
            assertEquals(129, all.size());
            assertEquals(129, new HashSet<>(all).size());
            assertTrue(!all.contains(7L));
        }
        // Everything acknowledged is there after a reopen (segment plus WAL replay).
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 100, FsyncPolicy.ALWAYS))) {
            assertEquals(129, shard.count());
            assertEquals(2, shard.get(42).orElseThrow().version());
            assertTrue(shard.get(7).isEmpty());
        }
    }

    @Test
    void searchesAndWritesGoOnWhileACompactionIsHeldMidWay() throws Exception {
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 50, FsyncPolicy.ALWAYS))) {
            shard.write(ShardFixtures.upserts(0, 200, 1, DIM));
            shard.write(ShardFixtures.upserts(0, 50, 2, DIM)); // supersedes rows: compaction drops 50
            List<ShardWrite> deletes = new ArrayList<>();
            for (long id = 150; id < 160; id++) {
                deletes.add(ShardWrite.delete(id, 2));
            }
            shard.write(deletes);
            shard.flush();
            int segmentsBefore = shard.segmentCount();
            assertEquals(190, shard.count());

            Hold hold = new Hold("compact");
            shard.publishHook(hold::accept);
            Future<Long> compacting = pool.submit(shard::compact);
            hold.awaitReached();

            assertEquals(segmentsBefore, shard.segmentCount());
            assertEquals(List.of(10L), ShardFixtures.ids(shard.search(query(10), 1, null)));
            // Writes while the rewrite waits: they must win over what the rewrite kept.
            pool.submit(() -> {
                shard.write(ShardFixtures.upserts(10, 1, 3, DIM));
                shard.write(List.of(ShardWrite.delete(20, 3)));
                shard.write(ShardFixtures.upserts(1000, 60, 1, DIM)); // fills and freezes a buffer (sealed later)
                return null;
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(249, shard.count());
            assertEquals(3, shard.get(10).orElseThrow().version());
            assertTrue(shard.get(20).isEmpty());

            hold.release.countDown();
            long dropped = compacting.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(60, dropped); // 50 superseded rows and the 10 deleted ones (their tombstones stay)
            shard.flush();
            assertEquals(249, shard.count());
            assertEquals(3, shard.get(10).orElseThrow().version());
            assertTrue(shard.get(20).isEmpty());
            assertTrue(shard.get(155).isEmpty());
            List<Long> all = ShardFixtures.ids(shard.search(query(0), 300, null));
            assertEquals(249, all.size());
            assertEquals(249, new HashSet<>(all).size());
            assertTrue(!all.contains(20L) && !all.contains(155L));
            assertEquals(List.of(1030L), ShardFixtures.ids(shard.search(query(1030), 1, null)));
        }
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 50, FsyncPolicy.ALWAYS))) {
            assertEquals(249, shard.count());
            assertEquals(3, shard.get(10).orElseThrow().version());
            assertTrue(shard.get(20).isEmpty());
            assertEquals(2, shard.get(0).orElseThrow().version());
        }
    }

    /**
     * Many seals while searches run: a released (closed) buffer is never read, and every id
     * acknowledged before a search starts is in its answer exactly once.
     */
    @Test
    void searchesDuringManySealsSeeEveryAcknowledgedRowOnce() throws Exception {
        int batches = 40;
        int perBatch = 25;
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 60, FsyncPolicy.BATCH))) {
            AtomicLong acknowledged = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Future<?> writer = pool.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    shard.write(ShardFixtures.upserts((long) b * perBatch, perBatch, 1, DIM));
                    acknowledged.set((long) (b + 1) * perBatch);
                }
                return null;
            });
            int searches = 0;
            while (!writer.isDone() || searches == 0) {
                long known = acknowledged.get();
                List<Long> ids;
                try {
                    ids = ShardFixtures.ids(shard.search(query(0), batches * perBatch, null));
                } catch (RuntimeException e) {
                    failure.set(e);
                    break;
                }
                Set<Long> distinct = new HashSet<>(ids);
                assertEquals(ids.size(), distinct.size(), "duplicate ids in " + ids);
                for (long id = 0; id < known; id++) {
                    assertTrue(distinct.contains(id), "id " + id + " was acknowledged but not found");
                }
                searches++;
            }
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(null, failure.get());
            assertTrue(shard.segmentCount() >= 15, shard.segmentCount() + " segments");
            assertEquals(batches * perBatch, shard.count());
        }
    }
}
