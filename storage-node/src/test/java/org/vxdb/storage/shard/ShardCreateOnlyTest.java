package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.wal.FsyncPolicy;

/** Create-only writes ({@code write(batch, true)}): all or nothing, and one winner per id. */
class ShardCreateOnlyTest {

    private static final int DIM = 8;

    @TempDir
    Path dir;

    private Shard open() throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 1000, FsyncPolicy.ALWAYS));
    }

    private static ShardWrite upsert(long id, long version) {
        return ShardWrite.upsert(id, version, ShardFixtures.vector(id, DIM), new byte[0]);
    }

    @Test
    void shouldRejectCreateOnlyWriteOfLiveIdAndWriteNothing() throws IOException {
        try (Shard shard = open()) {
            shard.write(ShardFixtures.upserts(1, 3, 1, DIM));
            List<ShardWrite> batch = List.of(upsert(10, 1), upsert(3, 5), upsert(11, 1), upsert(2, 5), upsert(3, 6));
            IdsExistException e = assertThrows(IdsExistException.class, () -> shard.write(batch, true));
            assertEquals("ids already exist: 3, 2", e.getMessage());
            assertEquals(List.of(3L, 2L), e.ids());
            assertEquals(3, shard.count());
            assertTrue(shard.get(10).isEmpty());
            assertEquals(1, shard.get(3).orElseThrow().version());
        }
        try (Shard shard = open()) {
            assertEquals(3, shard.count(), "the rejected batch must not be in the WAL either");
            assertTrue(shard.get(10).isEmpty());
            assertTrue(shard.get(11).isEmpty());
            assertEquals(1, shard.get(2).orElseThrow().version());
        }
    }

    @Test
    void shouldCreateIdsThatDoNotExist() throws IOException {
        try (Shard shard = open()) {
            shard.write(ShardFixtures.upserts(1, 3, 1, DIM));
            shard.write(List.of(upsert(7, 1), upsert(8, 1), upsert(7, 2)), true);
            assertEquals(5, shard.count());
            assertEquals(2, shard.get(7).orElseThrow().version());
        }
    }

    @Test
    void shouldAllowCreateOnlyReinsertOfADeletedId() throws IOException {
        try (Shard shard = open()) {
            shard.write(ShardFixtures.upserts(1, 2, 1, DIM));
            shard.write(List.of(ShardWrite.delete(1, 2), ShardWrite.delete(2, 2)));
            shard.flush(); // id 2's tombstone in a segment, id 1's re-insert below in the buffer
            shard.write(List.of(upsert(1, 3)), true);
            shard.write(List.of(upsert(2, 3)), true);
            assertEquals(3, shard.get(1).orElseThrow().version());
            assertEquals(3, shard.get(2).orElseThrow().version());
            assertEquals(2, shard.count());
        }
    }

    @Test
    void shouldIgnoreDeletesWhenCheckingACreateOnlyBatch() throws IOException {
        try (Shard shard = open()) {
            shard.write(ShardFixtures.upserts(1, 1, 1, DIM));
            shard.write(List.of(ShardWrite.delete(1, 2), upsert(5, 1)), true);
            assertTrue(shard.get(1).isEmpty());
            assertEquals(1, shard.count());
        }
    }

    @Test
    void shouldListTheFirstTenExistingIdsAndCountTheRest() throws IOException {
        try (Shard shard = open()) {
            shard.write(ShardFixtures.upserts(1, 13, 1, DIM));
            IdsExistException e = assertThrows(IdsExistException.class,
                    () -> shard.write(ShardFixtures.upserts(1, 13, 2, DIM), true));
            assertEquals("ids already exist: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more", e.getMessage());
            assertEquals(13, e.ids().size());
            assertEquals(13L, e.ids().getLast());
        }
    }

    @Test
    void shouldReleaseTheReservationWhenTheWalRejectsTheBatch() throws IOException {
        try (Shard shard = open()) {
            List<ShardWrite> tooBig = new ArrayList<>();
            for (long id = 1; id <= 8; id++) {
                // 8 x 60 KiB of metadata: more than the fixtures' 256 KiB WAL record limit
                tooBig.add(ShardWrite.upsert(id, 1, ShardFixtures.vector(id, DIM), new byte[60 << 10]));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shard.write(tooBig, true));
            assertTrue(e.getMessage().contains("exceeds maxRecordBytes"), e.getMessage());
            shard.write(List.of(upsert(1, 1)), true);
            assertEquals(1, shard.count());
        }
    }

    @Test
    void shouldLetExactlyOneOfTwoConcurrentCreateOnlyWritesOfAnIdSucceed() throws Exception {
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Shard shard = open()) {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long version = t + 1;
                results.add(pool.submit(() -> {
                    List<Long> won = new ArrayList<>();
                    for (long id = 0; id < rounds; id++) {
                        start.await();
                        try {
                            shard.write(List.of(upsert(id, version)), true);
                            won.add(id);
                        } catch (IdsExistException e) {
                            assertEquals(List.of(id), e.ids());
                        }
                    }
                    return won;
                }));
            }
            List<Long> first = results.get(0).get();
            List<Long> second = results.get(1).get();
            for (long id = 0; id < rounds; id++) {
                assertTrue(first.contains(id) ^ second.contains(id), "id " + id + ": " + first + " / " + second);
                long winner = first.contains(id) ? 1 : 2;
                assertEquals(winner, shard.get(id).orElseThrow().version(), "id " + id);
            }
            assertEquals(rounds, shard.count());
        } finally {
            pool.shutdownNow();
        }
    }
}
