package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.index.Metric;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.shard.IdsExistException;
import org.vxdb.storage.shard.ShardWrite;

/** Create-only batches that span shards are written whole or not at all, also against each other. */
class CollectionCreateOnlyTest {

    private static final int SHARDS = 4;
    private static final int DIM = 3;

    @TempDir
    Path dir;
    private StorageEngine engine;
    private Collection c;

    @BeforeEach
    void open() throws Exception {
        engine = StorageEngine.open(EngineFixtures.engineConfig(dir));
        c = engine.createCollection(EngineFixtures.collection("c", DIM, Metric.L2, SHARDS));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** The first id at or above {@code from} that lands in {@code shard}. */
    private static long idIn(int shard, long from) {
        long id = from;
        while (IdHashing.bucketOf(id, SHARDS) != shard) {
            id++;
        }
        return id;
    }

    private static ShardWrite row(long id, long version) {
        return ShardWrite.upsert(id, version, EngineFixtures.vector(id, DIM),
                MetadataCodec.encode(EngineFixtures.metadata(id)));
    }

    @Test
    void shouldWriteNothingWhenAnIdOnALaterShardExists() throws Exception {
        long taken = idIn(3, 1000);
        c.write(List.of(row(taken, 1)), Collection.WriteMode.CREATE_ONLY);
        long first = idIn(0, 0);
        long second = idIn(1, 0);
        IdsExistException e = assertThrows(IdsExistException.class, () -> c.write(List.of(row(first, 2),
                row(second, 2), row(taken, 2)), Collection.WriteMode.CREATE_ONLY));
        assertEquals("ids already exist: " + taken, e.getMessage());
        assertTrue(c.get(first).isEmpty(), "the earlier shards of the batch are untouched");
        assertTrue(c.get(second).isEmpty());
        assertEquals(1, c.get(taken).orElseThrow().version(), "the existing id keeps its version");
        c.write(List.of(row(first, 3), row(second, 3)), Collection.WriteMode.CREATE_ONLY);
        assertEquals(3, c.get(first).orElseThrow().version(), "the reservations were given back");
    }

    @Test
    void shouldNameEveryExistingIdInBatchOrder() throws Exception {
        long a = idIn(2, 0);
        long b = idIn(0, 50);
        c.write(List.of(row(a, 1), row(b, 1)), Collection.WriteMode.UPSERT);
        IdsExistException e = assertThrows(IdsExistException.class, () -> c.write(List.of(row(idIn(1, 0), 2),
                row(a, 2), row(b, 2)), Collection.WriteMode.CREATE_ONLY));
        assertEquals(List.of(a, b), e.ids());
    }

    @Test
    void shouldLetExactlyOneOfTwoConcurrentBatchesSharingAnIdWinWhole() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                long base = 10_000L * (round + 1);
                long shared = idIn(3, base);
                long onlyA = idIn(0, base);
                long onlyB = idIn(1, base);
                long onlyB2 = idIn(2, base);
                CountDownLatch start = new CountDownLatch(1);
                Future<Boolean> a = threads.submit(() -> create(start, List.of(row(onlyA, 1), row(shared, 1))));
                Future<Boolean> b = threads.submit(() -> create(start, List.of(row(onlyB, 2), row(onlyB2, 2),
                        row(shared, 2))));
                start.countDown();
                boolean aWon = a.get();
                boolean bWon = b.get();
                assertTrue(aWon ^ bWon, "round " + round + ": exactly one wins (a " + aWon + ", b " + bWon + ")");
                long sharedVersion = c.get(shared).orElseThrow().version();
                assertEquals(aWon ? 1 : 2, sharedVersion, "round " + round);
                assertEquals(aWon, c.get(onlyA).isPresent(), "round " + round + ": the winner whole, the loser not at all");
                assertEquals(bWon, c.get(onlyB).isPresent(), "round " + round);
                assertEquals(bWon, c.get(onlyB2).isPresent(), "round " + round);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private boolean create(CountDownLatch start, List<ShardWrite> batch) throws Exception {
        start.await();
        try {
            c.write(new ArrayList<>(batch), Collection.WriteMode.CREATE_ONLY);
            return true;
        } catch (IdsExistException lost) {
            return false;
        }
    }
}
