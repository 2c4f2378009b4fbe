package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.storage.engine.EngineFixtures.collection;
import static org.vxdb.storage.engine.EngineFixtures.engineConfig;
import static org.vxdb.storage.engine.EngineFixtures.tree;
import static org.vxdb.storage.engine.EngineFixtures.upserts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.shard.ShardWrite;

/** Create, list, reopen and drop across two data dirs, the spreading rule on disk, and bad requests. */
class EngineCollectionsTest {

    private static final int DIM = 8;

    @TempDir
    Path root;

    private Path disk0() {
        return root.resolve("disk0");
    }

    private Path disk1() {
        return root.resolve("disk1");
    }

    private StorageEngine open() throws IOException {
        return StorageEngine.open(engineConfig(disk0(), disk1()));
    }

    @Test
    void shouldSpreadShardsOverDataDirsByShardNumberWithTheConfigInEveryHolder() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 3));
            engine.createCollection(collection("solo", DIM, Metric.L2, 1));
        }
        assertEquals(List.of("docs", "docs/collection.properties", "docs/shard-0", "docs/shard-2",
                "solo", "solo/collection.properties", "solo/shard-0"), topLevel(disk0()));
        assertEquals(List.of("docs", "docs/collection.properties", "docs/shard-1"), topLevel(disk1()));
        assertTrue(Files.exists(disk0().resolve("vxdb-data-dir.properties")));
        assertTrue(Files.exists(disk1().resolve("vxdb-data-dir.properties")));
    }

    /** Paths two levels below {@code dataDir/collections}, leaving out the shards' own files. */
    private static List<String> topLevel(Path dataDir) throws IOException {
        return tree(dataDir.resolve("collections")).stream().filter(p -> p.chars().filter(c -> c == '/').count() < 2)
                .toList();
    }

    @Test
    void shouldListCollectionsByNameAndFindThemAgainAfterReopen() throws IOException {
        CollectionConfig zeta = collection("zeta", DIM, Metric.COSINE, 2);
        CollectionConfig alpha = collection("alpha", 4, Metric.INNER_PRODUCT, 5).withIndex("HNSW16");
        try (StorageEngine engine = open()) {
            engine.createCollection(zeta);
            engine.createCollection(alpha);
            assertEquals(List.of(alpha, zeta), engine.listCollections());
        }
        try (StorageEngine engine = open()) {
            assertEquals(List.of(alpha, zeta), engine.listCollections());
            Collection c = engine.require("alpha");
            assertEquals(5, c.shardCount());
            assertEquals("HNSW16,Flat", c.config().index());
            assertSame(c, engine.collection("alpha").orElseThrow());
        }
    }

    @Test
    void shouldRejectCreatingANameThatExistsAndLeaveTheFirstUntouched() throws IOException {
        try (StorageEngine engine = open()) {
            CollectionConfig first = collection("docs", DIM, Metric.L2, 2);
            Collection docs = engine.createCollection(first);
            docs.upsert(1, upserts(1, 5, 1, DIM));
            CollectionExistsException e = assertThrows(CollectionExistsException.class,
                    () -> engine.createCollection(collection("docs", 16, Metric.COSINE, 4)));
            assertEquals("collection 'docs' already exists", e.getMessage());
            assertEquals(List.of(first), engine.listCollections());
            assertEquals(5, engine.require("docs").count());
        }
        try (StorageEngine engine = open()) {
            assertEquals(5, engine.require("docs").count());
            assertFalse(Files.exists(disk0().resolve("collections/docs/shard-2")));
        }
    }

    @Test
    void shouldDropACollectionsDirectoriesOnEveryDataDir() throws IOException {
        try (StorageEngine engine = open()) {
            Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 4));
            engine.createCollection(collection("kept", DIM, Metric.L2, 2));
            docs.upsert(3, upserts(1, 100, 1, DIM));
            docs.flush();
            engine.dropCollection("docs");
            assertEquals(Optional.empty(), engine.collection("docs"));
            assertEquals("collection 'docs' was dropped",
                    assertThrows(IllegalStateException.class, docs::count).getMessage());
            assertFalse(Files.exists(disk0().resolve("collections/docs")));
            assertFalse(Files.exists(disk1().resolve("collections/docs")));
        }
        try (StorageEngine engine = open()) {
            assertEquals(List.of("kept"), engine.listCollections().stream().map(CollectionConfig::name).toList());
        }
    }

    @Test
    void shouldStartEmptyWhenANameIsCreatedAgainAfterDrop() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 2)).upsert(0, upserts(1, 10, 1, DIM));
            engine.dropCollection("docs");
            Collection again = engine.createCollection(collection("docs", 4, Metric.L2, 3));
            assertEquals(0, again.count());
            assertEquals(4, again.config().dimension());
        }
    }

    @Test
    void shouldRejectUnknownCollections() throws IOException {
        try (StorageEngine engine = open()) {
            assertEquals(Optional.empty(), engine.collection("nope"));
            assertEquals("unknown collection 'nope'",
                    assertThrows(CollectionNotFoundException.class, () -> engine.require("nope")).getMessage());
            assertEquals("unknown collection 'nope'",
                    assertThrows(CollectionNotFoundException.class, () -> engine.dropCollection("nope")).getMessage());
        }
    }

    @Test
    void shouldRejectUnknownShardNumbers() throws IOException {
        try (StorageEngine engine = open()) {
            Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 4));
            assertEquals("collection 'docs' has no shard 7 (it has 4)",
                    assertThrows(IllegalArgumentException.class, () -> docs.shard(7)).getMessage());
            assertEquals("collection 'docs' has no shard -1 (it has 4)",
                    assertThrows(IllegalArgumentException.class,
                            () -> docs.upsert(-1, upserts(1, 1, 1, DIM))).getMessage());
            assertEquals(0, docs.count());
        }
    }

    @Test
    void shouldPassTheShardsDimensionErrorThroughAndWriteNothing() throws IOException {
        try (StorageEngine engine = open()) {
            Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 2));
            List<ShardWrite> batch = List.of(upserts(1, 1, 1, DIM).getFirst(), ShardWrite.upsert(2, 1, new float[3], null));
            assertEquals("row 1 (id 2): vector has 3 dimensions, the collection has 8",
                    assertThrows(IllegalArgumentException.class, () -> docs.upsert(1, batch)).getMessage());
            assertEquals(0, docs.count());
        }
    }

    @Test
    void shouldRemoveDirectoriesOfAnInterruptedCreateOrDropAtOpen() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("half", DIM, Metric.L2, 2));
        }
        // A create that crashed before its commit in data dir 0, or a drop that crashed after it.
        Files.delete(disk0().resolve("collections/half/collection.properties"));
        try (StorageEngine engine = open()) {
            assertEquals(List.of(), engine.listCollections());
        }
        assertEquals(List.of(), tree(disk0().resolve("collections")));
        assertEquals(List.of(), tree(disk1().resolve("collections")));
    }

    @Test
    void shouldRefuseToOpenWhenAHolderLostItsConfig() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 2));
        }
        Path lost = disk1().resolve("collections/docs/collection.properties");
        Files.delete(lost);
        assertEquals("collection 'docs': " + lost + " is missing; data dir 1 holds shards of it",
                assertThrows(IllegalStateException.class, this::open).getMessage());
    }

    @Test
    void shouldRefuseToOpenWithDataDirsReordered() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 2));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StorageEngine.open(engineConfig(disk1(), disk0())));
        assertEquals("dataDirs: " + disk1() + " was data dir 1 of 2, now it is 0 of 2; shards are placed by"
                + " position, so list the data dirs as before", e.getMessage());
    }

    @Test
    void shouldRefuseToOpenWithADataDirLeftOut() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 2));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StorageEngine.open(engineConfig(disk0())));
        assertEquals("dataDirs: " + disk0() + " was data dir 0 of 2, now it is 0 of 1; shards are placed by"
                + " position, so list the data dirs as before", e.getMessage());
    }

    @Test
    void shouldAcceptNewDataDirsWhileNoCollectionExists() throws IOException {
        try (StorageEngine engine = StorageEngine.open(engineConfig(disk0()))) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 2));
            engine.dropCollection("docs");
        }
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 2));
            assertTrue(Files.isDirectory(disk1().resolve("collections/docs/shard-1")));
        }
    }

    @Test
    void shouldRefuseASecondEngineOnTheSameDataDir() throws IOException {
        try (StorageEngine engine = open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> StorageEngine.open(engineConfig(root.resolve("other"), disk1())));
            assertEquals("data dir " + disk1() + " is in use by another StorageEngine", e.getMessage());
            assertEquals(List.of(), engine.listCollections());
        }
        open().close();
    }

    @Test
    void shouldRejectEveryCallAfterClose() throws IOException {
        StorageEngine engine = open();
        Collection docs = engine.createCollection(collection("docs", DIM, Metric.L2, 2));
        engine.close();
        engine.close();
        assertEquals("storage engine is closed",
                assertThrows(IllegalStateException.class, () -> engine.require("docs")).getMessage());
        assertEquals("collection 'docs' was closed",
                assertThrows(IllegalStateException.class, () -> docs.shard(0)).getMessage());
    }

    @Test
    void shouldRefuseToOpenACorruptCollectionConfig() throws IOException {
        try (StorageEngine engine = open()) {
            engine.createCollection(collection("docs", DIM, Metric.L2, 1));
        }
        Path file = disk0().resolve("collections/docs/collection.properties");
        Files.writeString(file, Files.readString(file).replace("shardCount=1", "shardCount=2"));
        assertEquals("corrupt " + file + ": checksum mismatch",
                assertThrows(IOException.class, this::open).getMessage());
    }
}
