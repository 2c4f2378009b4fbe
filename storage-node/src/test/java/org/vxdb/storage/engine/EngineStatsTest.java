package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.storage.engine.EngineFixtures.collection;
import static org.vxdb.storage.engine.EngineFixtures.engineConfig;
import static org.vxdb.storage.engine.EngineFixtures.upserts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.observe.RecordingListener;
import org.vxdb.storage.observe.StorageListener;
import org.vxdb.storage.shard.IdsExistException;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;

/** Engine-wide stats, the engine's listener reaching every shard, and create-only writes through a collection. */
class EngineStatsTest {

    private static final int DIM = 8;

    @TempDir
    Path root;

    @Test
    void shouldSumStatsOverEveryShardOfEveryCollection() throws IOException {
        try (StorageEngine engine = StorageEngine.open(engineConfig(root.resolve("d0"), root.resolve("d1"))
                .nativeMemoryBudget(1L << 30))) {
            Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 3));
            Collection solo = engine.createCollection(collection("solo", DIM, Metric.L2, 1));
            docs.upsert(0, upserts(0, 10, 1, DIM));
            docs.upsert(2, upserts(100, 20, 1, DIM));
            docs.shard(2).flush();
            docs.upsert(2, List.of(ShardWrite.delete(100, 2)));
            solo.upsert(0, upserts(0, 64, 1, DIM)); // fills the 64-row buffer: sealed on write

            EngineStats stats = engine.stats();
            List<Shard> shards = List.of(docs.shard(0), docs.shard(1), docs.shard(2), solo.shard(0));
            assertEquals(2, stats.collections());
            assertEquals(4, stats.shards());
            assertEquals(10 + 19 + 64, stats.vectors());
            assertEquals(2, stats.segments());
            assertEquals(11, stats.bufferedRows());
            assertEquals(shards.stream().mapToLong(Shard::bufferBytes).sum(), stats.bufferBytes());
            assertTrue(stats.bufferBytes() > 0);
            assertEquals(docs.shard(2).mappedBytes() + solo.shard(0).mappedBytes(), stats.mappedBytes());
            assertTrue(stats.mappedBytes() > 0);
            assertEquals(0, stats.indexedRows());
            assertEquals(engine.config().budget().used(), stats.nativeBudgetUsed());
            assertTrue(stats.nativeBudgetUsed() > 0, "the four memory buffers are reserved");
            assertEquals(1L << 30, stats.nativeBudgetLimit());

            engine.dropCollection("solo");
            assertEquals(1, engine.stats().collections());
            assertEquals(3, engine.stats().shards());
        }
    }

    @Test
    void shouldPassTheEngineListenerToEveryShard() throws IOException {
        RecordingListener listener = new RecordingListener();
        EngineConfig config = engineConfig(root.resolve("d0")).listener(listener);
        try (StorageEngine engine = StorageEngine.open(config)) {
            assertSame(listener, engine.config().listener());
            Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 2));
            docs.upsert(0, upserts(0, 3, 1, DIM));
            docs.upsert(1, upserts(10, 4, 1, DIM));
            docs.flush();
            assertEquals(List.of(3L, 4L), listener.sealedRows);
            assertEquals(2, listener.appendedRecords.get());
        }
    }

    @Test
    void shouldRejectANullListenerAtConclude() {
        EngineConfig config = engineConfig(root.resolve("d0")).listener(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::conclude);
        assertEquals("listener is null: use StorageListener.NONE for none", e.getMessage());
        assertSame(StorageListener.NONE, new EngineConfig().listener());
    }

    @Test
    void shouldWriteCreateOnlyThroughTheCollection() throws IOException {
        try (StorageEngine engine = StorageEngine.open(engineConfig(root.resolve("d0")))) {
            Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 2));
            docs.write(1, upserts(5, 2, 1, DIM), true);
            IdsExistException e = assertThrows(IdsExistException.class,
                    () -> docs.write(1, upserts(4, 3, 2, DIM), true));
            assertEquals("ids already exist: 5, 6", e.getMessage());
            assertEquals(2, docs.count());
            docs.write(1, upserts(4, 3, 2, DIM), false);
            assertEquals(3, docs.count());
        }
    }
}
