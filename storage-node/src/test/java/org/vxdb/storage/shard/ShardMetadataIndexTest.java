package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.metaindex.MetadataIndexFile;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.observe.RecordingListener;
import org.vxdb.storage.shard.MetadataFilterFixtures.Row;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Metadata indexes in a shard without a vector index (both providers): filtered results equal the
 * brute-force answer for every operator across the buffer and sealed segments, after upserts,
 * deletes, compaction and restarts; index files are loaded, not rebuilt, and rebuilt when damaged.
 */
class ShardMetadataIndexTest {

    private static final int DIM = 8;
    private static final int ROWS = 2_300;

    @TempDir
    Path dir;

    private final RecordingListener listener = new RecordingListener();
    private final Map<Long, Row> live = new HashMap<>();

    private Shard open(List<MetadataIndexSpec> specs) throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE).withListener(listener)
                .withMetadataIndexes(specs));
    }

    /**
     * 2300 rows, then every third of the first 600 upserted and every tenth deleted: 2730 rows in 5
     * sealed segments of 500 and 230 buffered.
     */
    private void load(Shard shard) throws IOException {
        for (long first = 0; first < ROWS; first += 250) {
            List<ShardWrite> batch = new ArrayList<>();
            for (long id = first; id < Math.min(ROWS, first + 250); id++) {
                batch.add(MetadataFilterFixtures.upsert(id, 1, DIM));
                live.put(id, MetadataFilterFixtures.row(id, 1, DIM));
            }
            shard.write(batch);
        }
        List<ShardWrite> changes = new ArrayList<>();
        for (long id = 0; id < 600; id += 3) {
            changes.add(MetadataFilterFixtures.upsert(id, 2, DIM));
            live.put(id, MetadataFilterFixtures.row(id, 2, DIM));
        }
        for (long id = 1; id < ROWS; id += 10) {
            changes.add(ShardWrite.delete(id, 3));
            live.remove(id);
        }
        shard.write(changes);
    }

    private void assertEveryFilterExact(Shard shard, String when) {
        for (Filter f : MetadataFilterFixtures.filters()) {
            for (long qid : new long[] {900_001, 900_002}) {
                float[] q = ShardFixtures.vector(qid, DIM);
                listener.filteredSearches.clear();
                SearchOutcome o = shard.search(q, 10, f);
                assertEquals(MetadataFilterFixtures.bruteForce(live, q, 10, f), ShardFixtures.ids(o), when + ": " + f);
                assertTrue(o.plan().matches("filter:exact-matches est=\\d+"), o.plan());
                long actual = MetadataFilterFixtures.matching(live, f);
                assertTrue(listener.filteredSearches.getFirst().matches("exact-matches est=\\d+ actual=" + actual),
                        when + ": " + f + " " + listener.filteredSearches);
            }
        }
    }

    private List<Path> indexFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> MetadataIndexFile.isIndexFile(p.getFileName().toString())).sorted().toList();
        }
    }

    @Test
    void shouldMatchBruteForceForEveryOperatorAcrossBufferSegmentsCompactionAndRestart() throws IOException {
        try (Shard shard = open(MetadataFilterFixtures.SPECS)) {
            load(shard);
            assertEquals(5, shard.segmentCount());
            assertEveryFilterExact(shard, "buffer and segments");
            assertEquals(5, indexFiles().size(), "one index file per sealed segment");
            assertEquals(0, shard.metadataIndexSegmentsBuilt(), "sealed segments take the buffer's indexes");
            shard.compact();
            shard.awaitIndexing();
            assertEveryFilterExact(shard, "after compaction");
            assertEquals(shard.segmentCount(), indexFiles().size(), "old segments' index files are deleted");
        }
        int segments;
        listener.metadataIndexesBuilt.clear();
        try (Shard shard = open(MetadataFilterFixtures.SPECS)) {
            segments = shard.segmentCount();
            shard.awaitIndexing();
            assertEquals(segments, shard.metadataIndexFilesLoaded(), "every index file loaded");
            assertEquals(0, shard.metadataIndexSegmentsBuilt(), "nothing rebuilt after a restart");
            assertEquals(0, listener.metadataIndexesBuilt.size());
            assertEveryFilterExact(shard, "after restart");
            for (MetadataIndexStats s : shard.metadataIndexStats()) {
                assertTrue(s.isComplete(), s.toString());
                assertTrue(s.bytes() > 0, s.toString());
            }
        }
    }

    @Test
    void shouldDetectAndRebuildACorruptOrMissingIndexFile() throws IOException {
        try (Shard shard = open(MetadataFilterFixtures.SPECS)) {
            load(shard);
        }
        List<Path> files = indexFiles();
        assertEquals(5, files.size(), "the buffered rows are replayed from the WAL, not sealed");
        Path damaged = files.get(1);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(damaged, bytes);
        Files.delete(files.get(2));
        try (Shard shard = open(MetadataFilterFixtures.SPECS)) {
            assertTrue(shard.metadataIndexError().startsWith("metadata index file " + damaged
                    + " is unusable: checksum mismatch (stored "), shard.metadataIndexError());
            assertEquals(3, shard.metadataIndexFilesLoaded());
            assertEveryFilterExact(shard, "before the rebuild");
            shard.awaitIndexing();
            assertEquals(2, shard.metadataIndexSegmentsBuilt(), "the damaged and the missing one");
            assertEquals(5, indexFiles().size());
            assertEveryFilterExact(shard, "after the rebuild");
        }
        try (Shard shard = open(MetadataFilterFixtures.SPECS)) {
            assertEquals(5, shard.metadataIndexFilesLoaded());
            shard.awaitIndexing();
            assertEquals(0, shard.metadataIndexSegmentsBuilt());
        }
    }

    @Test
    void shouldBuildAnIndexAddedLaterInTheBackground() throws IOException {
        MetadataIndexSpec free = MetadataIndexSpec.inverted("free");
        Filter onFree = Filter.and(Filter.eq("free", 3), Filter.eq("parity", "odd"));
        try (Shard shard = open(List.of())) {
            load(shard);
            assertTrue(indexFiles().isEmpty(), "no index declared, no file written");
            assertTrue(shard.addMetadataIndex(free));
            assertFalse(shard.addMetadataIndex(free), "already declared");
            shard.awaitIndexing();
            assertEquals(5, shard.metadataIndexSegmentsBuilt());
            assertEquals(List.of("inverted:free over 500", "inverted:free over 500", "inverted:free over 500",
                    "inverted:free over 500", "inverted:free over 500"), listener.metadataIndexesBuilt);
            MetadataIndexStats stats = shard.metadataIndexStats().getFirst();
            assertEquals(free, stats.spec());
            assertEquals(5, stats.segmentsIndexed());
            assertEquals(5, stats.segments());
            for (long qid = 1; qid < 4; qid++) {
                float[] q = ShardFixtures.vector(qid, DIM);
                assertEquals(MetadataFilterFixtures.bruteForce(live, q, 10, onFree),
                        ShardFixtures.ids(shard.search(q, 10, onFree)));
            }
            assertEquals(5, indexFiles().size());
        }
        try (Shard shard = open(List.of(free))) {
            shard.awaitIndexing();
            assertEquals(5, shard.metadataIndexFilesLoaded());
            assertEquals(0, shard.metadataIndexSegmentsBuilt());
            float[] q = ShardFixtures.vector(5, DIM);
            assertEquals(MetadataFilterFixtures.bruteForce(live, q, 10, onFree),
                    ShardFixtures.ids(shard.search(q, 10, onFree)));
        }
    }

    @Test
    void shouldSearchWithoutTheIndexesThatPassTheMemoryBudget() throws IOException {
        // Room for the buffers a batch can hold at once, little more: a full one frozen mid-batch (500 rows)
        // while the next grows from 64 to 256 rows (both held during the copy).
        NativeMemoryBudget budget = new NativeMemoryBudget(MemoryBuffer.bytesFor(DIM, 500 + 64 + 256) + 1024);
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 500, FsyncPolicy.NONE)
                .withListener(listener).withMetadataIndexes(MetadataFilterFixtures.SPECS).withBudget(budget))) {
            load(shard);
            assertTrue(shard.metadataIndexError().startsWith("cannot keep the metadata indexes of seg-"),
                    shard.metadataIndexError());
            assertTrue(shard.metadataIndexError().contains("native memory budget exceeded: metadata indexes (heap) of"
                    + " segment seg-"), shard.metadataIndexError());
            assertEveryFilterExact(shard, "without the indexes that did not fit");
            // 230 buffered rows: the buffer has grown 64 -> 256 rows since the last seal.
            assertEquals(MemoryBuffer.bytesFor(DIM, 256), budget.used(), "only the buffer is reserved");
        }
    }

    @Test
    void shouldReturnKResultsWhenKRowsMatch() throws IOException {
        try (Shard shard = open(MetadataFilterFixtures.SPECS)) {
            load(shard);
            Filter tenRows = Filter.range("id", 2290.0, true, null, false); // 2290..2299, 2291 deleted: 9 rows
            assertEquals(9, shard.search(ShardFixtures.vector(1, DIM), 15, tenRows).hits().size());
            Filter many = Filter.eq("parity", "odd");
            assertEquals(100, shard.search(ShardFixtures.vector(1, DIM), 100, many).hits().size());
        }
    }
}
