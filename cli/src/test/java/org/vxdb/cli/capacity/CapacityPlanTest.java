package org.vxdb.cli.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vxdb.cli.CliRun;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.storage.memory.StorageEstimates;

class CapacityPlanTest {

    /** 1M x 128 float32 on one node in one shard: the figures measured on the engine (issue 17). */
    private static final CapacityPlan SIFT_1M = new CapacityPlan(1_000_000, 128, Metric.L2, "IVF,Flat", 1, 1, 1,
            CapacityPlan.defaultBufferRows(128), 0, CapacityPlan.HEAP_DEFAULT);

    @Test
    void shouldGiveTheMeasuredSegmentBytesOfOneMillionVectorsOf128() {
        // 10 segments of 100,000 rows; per row 512 vector + 8 id + 8 version + 1 flags + 8 metadata offset bytes.
        assertEquals(100_000, SIFT_1M.bufferRows());
        assertEquals(537_002_960L, SIFT_1M.segmentBytes());
        assertEquals(537.0, SIFT_1M.segmentBytes() / 1e6, 0.05, "537 MB of segments");
    }

    @Test
    void shouldGiveTheMeasuredIvfIndexBytesOfOneMillionVectorsOf128() {
        IndexSpec spec = SIFT_1M.indexSpec();
        assertEquals("IVF2564,Flat", spec.description(), "nlist as the engine resolves it: 100,000 training rows / 39");
        assertEquals(521_312_768L, SIFT_1M.indexBytes());
        assertEquals(520, SIFT_1M.indexBytes() / 1e6, 2, "~520 MB of IVF index");
        assertEquals(StorageEstimates.indexBytes(spec, 1_000_000), SIFT_1M.indexBytes(), "the engine's estimate");
        assertEquals(StorageEstimates.indexBytes(spec, 2_000_000), SIFT_1M.indexReservationBytes(),
                "a build reserves room for the index grown 2x");
    }

    @Test
    void shouldSplitRowsOverTheShardsOfTheRangesANodeHolds() {
        CapacityPlan p = new CapacityPlan(1_200_000, 128, Metric.COSINE, "HNSW32", 2, 3, 12, 10_000, 0,
                CapacityPlan.HEAP_DEFAULT);
        assertEquals(800_000, p.rowsPerNode(), "1.2M x RF 2 over 3 nodes");
        assertEquals(8, p.shardsWithData(), "12 clusters x RF 2 / 3 nodes");
        assertEquals(100_000, p.rowsPerShard());
        assertEquals(12 * StorageEstimates.bufferBytes(128, 10_000), p.bufferBytes(), "every shard allocates a buffer");
        assertEquals("HNSW32,Flat", p.indexSpec().description());
        assertEquals(0, p.trainingBytes(), "HNSW needs no training");
    }

    @Test
    void shouldFindTheFewestNodesThatFitAMemoryLimit() {
        CapacityPlan p = new CapacityPlan(10_000_000, 768, Metric.L2, "HNSW32", 2, 2, 12,
                CapacityPlan.defaultBufferRows(768), 0, CapacityPlan.HEAP_DEFAULT);
        long limit = 8L << 30;
        int n = p.nodesFor(limit);
        assertTrue(n > 2, "10M x 768 at RF 2 does not fit two 8 GiB nodes: " + n);
        assertTrue(p.withNodes(n).memoryBytes() <= limit);
        assertTrue(p.withNodes(n - 1).memoryBytes() > limit);
    }

    @Test
    void shouldHaveNoIndexForFlat() {
        CapacityPlan p = new CapacityPlan(1_000, 8, Metric.L2, "Flat", 1, 1, 1, 100, 0, 0);
        assertEquals(null, p.indexSpec());
        assertEquals(0, p.indexBytes());
        assertEquals(0, p.indexReservationBytes());
    }

    @Test
    void shouldPrintMemoryAndDiskPerNodeAndTheNodesNeeded() {
        CliRun r = CliRun.of("capacity", "--vectors", "1000000", "--dim", "128", "--metric", "l2", "--index",
                "ivf_flat", "--rf", "1", "--nodes", "1", "--clusters", "1", "--memory-limit", "1g");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Each node: 1000000 rows in 1 shards (1000000 rows each), index per shard:"
                + " IVF2564,Flat"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  segments +537\\.0 MB")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  native: index +521\\.3 MB")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  heap \\(-Xmx\\) +1\\.07 GB")), r.out());
        assertTrue(r.out().contains("Memory limit 1.07 GB per node: "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void shouldRejectFewerNodesThanReplicasInOneLine() {
        CliRun r = CliRun.of("capacity", "--vectors", "10", "--dim", "4", "--rf", "3", "--nodes", "2");
        assertEquals(1, r.code());
        assertEquals("vxdb: --nodes must be at least --rf (3), got 2\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void shouldRejectABadMemoryLimitAndABadIndex() {
        CliRun size = CliRun.of("capacity", "--vectors", "10", "--dim", "4", "--memory-limit", "lots");
        assertEquals("vxdb: --memory-limit 'lots' is not a size: use e.g. 8g, 512m or 8GiB\n", size.err());
        CliRun index = CliRun.of("capacity", "--vectors", "10", "--dim", "4", "--index", "btree");
        assertEquals("vxdb: --index 'btree' is invalid: use ivf_flat, ivf_sq8, hnsw, flat or a factory string such"
                + " as IVF1024,Flat\n", index.err());
    }

    @Test
    void shouldNameAMissingRequiredOption() {
        CliRun r = CliRun.of("capacity", "--dim", "4");
        assertEquals(2, r.code());
        assertEquals("vxdb: Missing required option: '--vectors=N' (try: vxdb capacity --help)\n", r.err());
    }
}
