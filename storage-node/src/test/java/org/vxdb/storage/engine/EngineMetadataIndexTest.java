package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.storage.engine.EngineFixtures.collection;
import static org.vxdb.storage.engine.EngineFixtures.engineConfig;
import static org.vxdb.storage.engine.EngineFixtures.upserts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;

/** Metadata indexes declared at create and added later: in the config, built in every shard, kept on reopen. */
class EngineMetadataIndexTest {

    private static final int DIM = 4;

    @TempDir
    Path root;

    private StorageEngine open() throws IOException {
        return StorageEngine.open(engineConfig(root.resolve("d0"), root.resolve("d1")));
    }

    @Test
    void shouldAddAnIndexToAnExistingCollectionAndKeepItAcrossReopen() throws IOException {
        MetadataIndexSpec parity = MetadataIndexSpec.inverted("parity");
        MetadataIndexSpec bucket = MetadataIndexSpec.ordered("bucket");
        CollectionConfig config = collection("docs", DIM, Metric.L2, 3).withMetadataIndexes(List.of(parity));
        try (StorageEngine engine = open()) {
            Collection c = engine.createCollection(config);
            for (int s = 0; s < 3; s++) {
                c.upsert(s, upserts(s * 1000L, 200, 1, DIM));
            }
            CollectionConfig next = engine.addMetadataIndex("docs", bucket);
            assertEquals(List.of(parity, bucket), next.metadataIndexes());
            assertSame(next, engine.addMetadataIndex("docs", bucket), "adding it again changes nothing");
            assertEquals(next, c.config());
            for (int s = 0; s < 3; s++) {
                c.shard(s).awaitIndexing();
                assertEquals(List.of(parity, bucket), c.shard(s).metadataIndexes());
            }
            List<MetadataIndexStats> stats = c.metadataIndexStats();
            assertEquals(List.of(parity, bucket), stats.stream().map(MetadataIndexStats::spec).toList());
            assertEquals(9, stats.get(1).segments(), "200 rows per shard in buffers of 64: 3 sealed segments each");
            assertEquals(9, stats.get(1).segmentsIndexed());
            assertEquals(3 * 20, c.search(new float[DIM], 100, Filter.range("bucket", 3.0, true, 3.0, true))
                    .hits().size());
            assertEquals("unknown collection 'nope'", assertThrows(CollectionNotFoundException.class,
                    () -> engine.addMetadataIndex("nope", bucket)).getMessage());
        }
        try (StorageEngine engine = open()) {
            Collection c = engine.require("docs");
            assertEquals(List.of(parity, bucket), c.config().metadataIndexes());
            for (int s = 0; s < 3; s++) {
                c.shard(s).awaitIndexing();
                assertEquals(3, c.shard(s).metadataIndexFilesLoaded());
                assertEquals(0, c.shard(s).metadataIndexSegmentsBuilt());
            }
        }
    }

    @Test
    void shouldRejectDuplicateAndTooManyIndexesNamingTheCollection() {
        CollectionConfig c = collection("docs", DIM, Metric.L2, 1);
        assertEquals("collection 'docs': metadataIndexes: metadata index inverted:a is declared twice",
                assertThrows(IllegalArgumentException.class, () -> c.withMetadataIndexes(
                        List.of(MetadataIndexSpec.inverted("a"), MetadataIndexSpec.inverted("a")))).getMessage());
        List<MetadataIndexSpec> many = java.util.stream.IntStream.range(0, 65)
                .mapToObj(i -> MetadataIndexSpec.inverted("f" + i)).toList();
        assertEquals("collection 'docs': metadataIndexes: 65 metadata indexes declared; at most 64",
                assertThrows(IllegalArgumentException.class, () -> c.withMetadataIndexes(many)).getMessage());
    }
}
