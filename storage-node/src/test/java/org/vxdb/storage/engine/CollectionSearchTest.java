package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.storage.engine.EngineFixtures.bruteForce;
import static org.vxdb.storage.engine.EngineFixtures.collection;
import static org.vxdb.storage.engine.EngineFixtures.engineConfig;
import static org.vxdb.storage.engine.EngineFixtures.ids;
import static org.vxdb.storage.engine.EngineFixtures.upserts;
import static org.vxdb.storage.engine.EngineFixtures.vector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.SearchOutcome;
import org.vxdb.storage.shard.ShardWrite;
import org.vxdb.storage.shard.StoredVector;

/** Writes routed to several shards read back as one collection: merged search, get, count, restart. */
class CollectionSearchTest {

    private static final int DIM = 12;
    private static final int SHARDS = 5;
    private static final int ROWS = 600;

    @TempDir
    Path root;

    private StorageEngine open() throws IOException {
        return StorageEngine.open(engineConfig(root.resolve("disk0"), root.resolve("disk1")));
    }

    /** Upserts ids 0..ROWS-1 to shard id % SHARDS, updates and deletes some; returns what is live. */
    private static Map<Long, float[]> load(Collection c) throws IOException {
        Map<Long, float[]> live = new HashMap<>();
        for (int s = 0; s < SHARDS; s++) {
            List<ShardWrite> batch = new ArrayList<>();
            for (ShardWrite w : upserts(0, ROWS, 1, DIM)) {
                if (w.id() % SHARDS == s) {
                    batch.add(w);
                    live.put(w.id(), w.vector());
                }
            }
            c.upsert(s, batch);
        }
        for (long id = 0; id < ROWS; id += 7) {
            float[] moved = vector(id + 100_000, DIM);
            c.upsert((int) (id % SHARDS), List.of(ShardWrite.upsert(id, 2, moved,
                    MetadataCodec.encode(EngineFixtures.metadata(id)))));
            live.put(id, moved);
        }
        for (long id = 3; id < ROWS; id += 11) {
            c.upsert((int) (id % SHARDS), List.of(ShardWrite.delete(id, 3)));
            live.remove(id);
        }
        return live;
    }

    private static void assertMatchesBruteForce(Collection c, Metric metric, Map<Long, float[]> live, Filter filter) {
        for (int q = 0; q < 20; q++) {
            float[] query = vector(50_000 + q, DIM);
            SearchOutcome outcome = c.search(query, 10, filter);
            assertEquals(bruteForce(metric, live, query, 10, filter), ids(outcome.hits()),
                    metric + " query " + q + " filter " + filter);
            for (Hit hit : outcome.hits()) {
                assertEquals(EngineFixtures.distance(metric, query, live.get(hit.id())), hit.distance(), 1e-4);
            }
        }
    }

    @Test
    void shouldMergeShardResultsIntoTheExactTopK() throws IOException {
        for (Metric metric : Metric.values()) {
            try (StorageEngine engine = open()) {
                Collection c = engine.createCollection(collection("docs-" + metric.label().replace('_', '-'), DIM,
                        metric, SHARDS));
                Map<Long, float[]> live = load(c);
                assertMatchesBruteForce(c, metric, live, null);
                assertMatchesBruteForce(c, metric, live, Filter.eq("parity", "even"));
                assertEquals(live.size(), c.count());
            }
        }
    }

    @Test
    void shouldSumRowsScannedAndReportTheShardPlan() throws IOException {
        try (StorageEngine engine = open()) {
            Collection c = engine.createCollection(collection("docs", DIM, Metric.L2, SHARDS));
            Map<Long, float[]> live = load(c);
            SearchOutcome outcome = c.search(vector(1, DIM), 3, null);
            assertEquals(live.size(), outcome.rowsScanned());
            assertEquals("exact-scan", outcome.plan());
            assertEquals(3, outcome.hits().size());
        }
    }

    @Test
    void shouldReturnFewerThanKWhenFewerRowsMatch() throws IOException {
        try (StorageEngine engine = open()) {
            Collection c = engine.createCollection(collection("docs", DIM, Metric.L2, SHARDS));
            c.upsert(0, upserts(10, 2, 1, DIM));
            c.upsert(4, upserts(20, 1, 1, DIM));
            assertEquals(List.of(20L, 10L, 11L).stream().sorted().toList(),
                    ids(c.search(vector(5, DIM), 10, null).hits()).stream().sorted().toList());
        }
    }

    @Test
    void shouldOrderEqualDistancesByLowerIdWhateverShardHoldsThem() throws IOException {
        try (StorageEngine engine = open()) {
            Collection c = engine.createCollection(collection("docs", DIM, Metric.L2, SHARDS));
            float[] same = vector(1, DIM);
            c.upsert(0, List.of(ShardWrite.upsert(9, 1, same, null)));
            c.upsert(1, List.of(ShardWrite.upsert(4, 1, same, null)));
            c.upsert(2, List.of(ShardWrite.upsert(7, 1, same, null)));
            assertEquals(List.of(4L, 7L), ids(c.search(vector(2, DIM), 2, null).hits()));
        }
    }

    @Test
    void shouldGetAnIdFromWhicheverShardHoldsIt() throws IOException {
        try (StorageEngine engine = open()) {
            Collection c = engine.createCollection(collection("docs", DIM, Metric.L2, SHARDS));
            c.upsert(3, upserts(42, 1, 5, DIM));
            StoredVector v = c.get(42).orElseThrow();
            assertEquals(5, v.version());
            assertArrayEquals(vector(42, DIM), v.vector());
            assertEquals(EngineFixtures.metadata(42), v.metadata());
            assertEquals(Optional.empty(), c.get(43));
        }
    }

    @Test
    void shouldKeepEveryCollectionAcrossRestartWithAndWithoutFlush() throws IOException {
        Map<Long, float[]> live;
        try (StorageEngine engine = open()) {
            Collection flushed = engine.createCollection(collection("flushed", DIM, Metric.L2, SHARDS));
            Collection logged = engine.createCollection(collection("logged", DIM, Metric.COSINE, 3));
            live = load(flushed);
            flushed.flush();
            logged.upsert(2, upserts(1, 30, 1, DIM));
        }
        try (StorageEngine engine = open()) {
            Collection flushed = engine.require("flushed");
            assertEquals(live.size(), flushed.count());
            assertMatchesBruteForce(flushed, Metric.L2, live, null);
            for (int s = 0; s < SHARDS; s++) {
                assertEquals(0, flushed.shard(s).bufferedRows(), "shard " + s);
            }
            Collection logged = engine.require("logged");
            assertEquals(30, logged.count());
            assertEquals(30, logged.shard(2).count());
            assertEquals(1, logged.get(17).orElseThrow().version());
        }
    }
}
