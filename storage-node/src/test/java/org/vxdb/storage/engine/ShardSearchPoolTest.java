package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.storage.engine.EngineFixtures.collection;
import static org.vxdb.storage.engine.EngineFixtures.engineConfig;
import static org.vxdb.storage.engine.EngineFixtures.upserts;
import static org.vxdb.storage.engine.EngineFixtures.vector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.shard.ShardWrite;

/** The shards of one search run side by side and answer exactly what one-after-another does. */
class ShardSearchPoolTest {

    private static final int DIM = 10;
    private static final int SHARDS = 6;

    @TempDir
    Path root;

    @Test
    void shouldReturnResultsInTaskOrder() {
        try (ShardSearchPool pool = new ShardSearchPool(3)) {
            assertEquals(IntStream.range(0, 40).map(i -> i * i).boxed().toList(), pool.runAll(40, i -> i * i));
            assertEquals(List.of(7), pool.runAll(1, i -> 7));
            assertEquals(List.of(), pool.runAll(0, i -> 7));
        }
    }

    @Test
    void shouldThrowTheFirstFailureWithTheOthersSuppressed() {
        try (ShardSearchPool pool = new ShardSearchPool(4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.runAll(8, i -> {
                if (i % 3 == 1) {
                    throw new IllegalArgumentException("task " + i + " refused");
                }
                return i;
            }));
            assertEquals("task 1 refused", e.getMessage());
            assertEquals(List.of("task 4 refused", "task 7 refused"),
                    List.of(e.getSuppressed()).stream().map(Throwable::getMessage).toList());
        }
    }

    @Test
    void shouldRefuseAnInvalidThreadCount() {
        assertEquals("searchThreads 0 is invalid: use 1-1024",
                assertThrows(IllegalArgumentException.class, () -> new ShardSearchPool(0)).getMessage());
        assertEquals("searchThreads 0 is invalid: use 1-1024", assertThrows(IllegalArgumentException.class,
                () -> engineConfig(root.resolve("x")).searchThreads(0).conclude()).getMessage());
    }

    /** Many callers at once on a pool of two: helpers are dropped, callers run their own tasks, all finish. */
    @Test
    void shouldFinishEverySearchWhenThePoolIsSaturated() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (ShardSearchPool pool = new ShardSearchPool(2)) {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int c = 0; c < 64; c++) {
                int caller = c;
                futures.add(callers.submit(() -> pool.runAll(12, i -> caller * 100 + i)));
            }
            for (int c = 0; c < futures.size(); c++) {
                int caller = c;
                assertEquals(IntStream.range(0, 12).map(i -> caller * 100 + i).boxed().toList(),
                        futures.get(c).get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static void load(Collection c) throws IOException {
        for (int s = 0; s < SHARDS; s++) {
            List<ShardWrite> batch = new ArrayList<>();
            for (ShardWrite w : upserts(0, 900, 1, DIM)) {
                if (w.id() % SHARDS == s) {
                    batch.add(w);
                }
            }
            c.upsert(s, batch);
        }
        for (long id = 5; id < 900; id += 13) {
            c.upsert((int) (id % SHARDS), List.of(ShardWrite.delete(id, 2)));
        }
    }

    private List<Collection.ShardsOutcome> searchAll(int threads, boolean create) throws IOException {
        try (StorageEngine engine = StorageEngine.open(engineConfig(root.resolve("d")).searchThreads(threads))) {
            Collection c = create ? engine.createCollection(collection("pool", DIM, Metric.L2, SHARDS))
                    : engine.collection("pool").orElseThrow();
            if (create) {
                load(c);
            }
            List<Collection.ShardsOutcome> out = new ArrayList<>();
            int[] all = IntStream.range(0, SHARDS).toArray();
            int[] some = {4, 1, 3};
            for (int q = 0; q < 25; q++) {
                float[] query = vector(70_000 + q, DIM);
                Filter filter = q % 2 == 0 ? null : Filter.eq("parity", "odd");
                out.add(c.search(all, query, 10, filter, SearchParams.DEFAULT, 0));
                out.add(c.search(some, query, 7, filter, SearchParams.DEFAULT, 0));
            }
            return out;
        }
    }

    @Test
    void parallelShardSearchReturnsWhatTheSequentialOneDid() throws IOException {
        List<Collection.ShardsOutcome> parallel = searchAll(4, true);
        List<Collection.ShardsOutcome> sequential = searchAll(1, false);
        assertEquals(sequential, parallel);
        assertEquals(10, parallel.getFirst().hits().size());
        for (Collection.ShardsOutcome o : parallel) {
            for (Collection.ShardHit h : o.hits()) {
                assertEquals(h.hit().id() % SHARDS, h.shard(), "hit " + h.hit().id() + " comes from its shard");
            }
        }
    }
}
