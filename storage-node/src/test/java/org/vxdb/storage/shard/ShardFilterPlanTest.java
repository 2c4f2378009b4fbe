package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.shard.MetadataFilterFixtures.Row;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * The cost-based filter plan over an IVF or HNSW index: rare filters scan their matches exactly
 * (equal to brute force), selective ones search the index with the matches as allowed ids and more
 * lists (recall@10 within 0.05 of the unfiltered search's), before and after deletes,
 * upserts, compaction and a restart. k results come back whenever k rows match.
 */
@Tag("faiss")
class ShardFilterPlanTest {

    private static final int DIM = 16;
    private static final int ROWS = 20_000;
    private static final List<MetadataIndexSpec> SPECS = List.of(MetadataIndexSpec.ordered("r"),
            MetadataIndexSpec.inverted("cat"));

    private static final String RECALL = " recall=(unmeasured|[01]\\.\\d{3})";

    @TempDir
    Path dir;

    private final Map<Long, Row> live = new HashMap<>();

    private Shard open(String index) throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 2_000, FsyncPolicy.NONE)
                .withIndex(IndexPolicy.of(index, 5_000)).withMetadataIndexes(SPECS));
    }

    /** "r" is id mod 10000 (a range on it has a known selectivity); "cat" one of ten values. */
    private static Metadata metadata(long id, long version) {
        return Metadata.of("r", id % 10_000, "cat", "c" + (id + version) % 10);
    }

    private void write(Shard shard, long from, long to, long version) throws IOException {
        List<ShardWrite> batch = new ArrayList<>();
        for (long id = from; id < to; id++) {
            float[] v = ShardFixtures.vector(id * 13 + version, DIM);
            batch.add(ShardWrite.upsert(id, version, v, MetadataCodec.encode(metadata(id, version))));
            live.put(id, new Row(v, metadata(id, version)));
            if (batch.size() == 2_000) {
                shard.write(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            shard.write(batch);
        }
    }

    private static Filter below(double percent) {
        return Filter.range("r", null, false, 10_000 * percent / 100, false);
    }

    /** Mean recall@10 over 20 queries; asserts the plan of each matches {@code planPattern}. */
    private double recall(Shard shard, Filter f, String planPattern) {
        double sum = 0;
        for (long qid = 0; qid < 20; qid++) {
            float[] q = ShardFixtures.vector(5_000_000 + qid, DIM);
            SearchOutcome o = shard.search(q, 10, f);
            assertTrue(o.plan().matches(planPattern), f + ": " + o.plan());
            List<Long> exact = MetadataFilterFixtures.bruteForce(live, q, 10, f);
            assertEquals(exact.size(), o.hits().size(), f + ": as many hits as the exact answer");
            Set<Long> got = new HashSet<>(ShardFixtures.ids(o));
            sum += exact.stream().filter(got::contains).count() / (double) Math.max(1, exact.size());
            if (planPattern.startsWith("filter:exact")) {
                assertEquals(exact, ShardFixtures.ids(o), f + ": the exact plan is exact");
            }
        }
        return sum / 20;
    }

    /** Mean recall@10 of the same queries without a filter, with the index's default nprobe. */
    private double unfilteredRecall(Shard shard) {
        double sum = 0;
        for (long qid = 0; qid < 20; qid++) {
            float[] q = ShardFixtures.vector(5_000_000 + qid, DIM);
            Set<Long> got = new HashSet<>(ShardFixtures.ids(shard.search(q, 10, null)));
            List<Long> exact = MetadataFilterFixtures.bruteForce(live, q, 10, Filter.not(Filter.eq("none", 1)));
            sum += exact.stream().filter(got::contains).count() / 10.0;
        }
        return sum / 20;
    }

    /**
     * The recall bound of an index plan: what the same searches reach without a filter (the plan
     * widens nprobe to keep it), less 0.05 for the noise of 20 queries, and never below 0.8.
     */
    private double bound(Shard shard) {
        return Math.max(0.8, unfilteredRecall(shard) - 0.05);
    }

    private void assertPlansAndRecall(Shard shard, String when) {
        String exact = "filter:exact-matches est=\\d+";
        // Widened by 1 / selectivity until this kind of filter is calibrated, then what keeps the recall.
        String wide = "filter:index(-wide)?(\\+post)? est=\\d+ nprobe=\\d+" + RECALL;
        assertEquals(1.0, recall(shard, below(0.1), exact), when);
        assertEquals(1.0, recall(shard, below(1), exact), when);
        double bound = bound(shard);
        assertRecall(recall(shard, below(10), wide), bound, when);
        assertRecall(recall(shard, below(50), wide), bound, when);
        assertEquals(1.0, recall(shard, Filter.and(Filter.eq("cat", "c3"), below(5)), exact), when);
        assertRecall(recall(shard, Filter.or(Filter.eq("cat", "c3"), below(30)), wide), bound, when);
        String anyIndex = "filter:index(-wide)?(\\+post)? est=\\d+ nprobe=\\d+" + RECALL;
        assertRecall(recall(shard, Filter.not(Filter.in("cat", "c1", "c2")), anyIndex), bound, when);
    }

    private static void assertRecall(double recall, double bound, String when) {
        assertTrue(recall >= bound, when + ": recall " + recall + " < " + bound);
    }

    @Test
    void shouldChooseThePlanByEstimateAndKeepRecallOnIvf() throws IOException {
        try (Shard shard = open("IVF,Flat")) {
            write(shard, 0, ROWS, 1);
            shard.awaitIndexing();
            assertEquals(ROWS, shard.indexedRows());
            assertPlansAndRecall(shard, "fresh");
            List<ShardWrite> changes = new ArrayList<>();
            for (long id = 0; id < ROWS; id += 7) {
                changes.add(ShardWrite.delete(id, 5));
                live.remove(id);
            }
            shard.write(changes);
            write(shard, 1, 3_001, 6); // new vectors and categories for 3000 ids, in the buffer and a segment
            assertPlansAndRecall(shard, "after deletes and upserts");
            shard.compact();
            shard.awaitIndexing();
            assertPlansAndRecall(shard, "after compaction");
        }
        try (Shard shard = open("IVF,Flat")) {
            shard.awaitIndexing();
            assertEquals(shard.segmentCount(), shard.metadataIndexFilesLoaded());
            assertEquals(0, shard.metadataIndexSegmentsBuilt());
            assertPlansAndRecall(shard, "after a restart");
        }
    }

    @Test
    void shouldReturnKResultsWhenKRowsMatchOnEveryPlan() throws IOException {
        try (Shard shard = open("IVF,Flat")) {
            write(shard, 0, ROWS, 1);
            shard.awaitIndexing();
            Filter five = Filter.in("r", 1, 2, 3, 4, 5); // ids 1-5 and 10001-10005: 10 rows
            assertEquals(10, shard.search(ShardFixtures.vector(1, DIM), 25, five).hits().size());
            Filter half = below(50);
            for (long qid = 0; qid < 10; qid++) {
                SearchOutcome o = shard.search(ShardFixtures.vector(qid, DIM), 100, half);
                assertEquals(100, o.hits().size(), o.plan());
            }
        }
    }

    @Test
    void shouldWidenEfSearchOnHnsw() throws IOException {
        try (Shard shard = open("HNSW16")) {
            write(shard, 0, 10_000, 1);
            shard.awaitIndexing();
            assertEquals(10_000, shard.indexedRows());
            assertEquals(1.0, recall(shard, below(0.1), "filter:exact-matches est=\\d+"));
            assertRecall(recall(shard, below(50), "filter:index(-wide)? est=\\d+ ef=\\d+" + RECALL), bound(shard), "hnsw");
        }
    }
}
