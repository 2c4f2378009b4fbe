package org.vxdb.cli.capacity;

import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.EngineConfig;
import org.vxdb.storage.memory.StorageEstimates;
import org.vxdb.storage.shard.IndexPolicy;

/**
 * What one storage node of a cluster holds for a collection, from the estimates the engine reserves
 * its native-memory budget with ({@link StorageEstimates}). The coordinator creates every collection
 * with one shard per cluster on every node ({@code clusters} shards), so every node allocates
 * {@code clusters} memory buffers; the rows land on the {@code clusters x rf / nodes} shards of the
 * ranges the node holds.
 *
 * @param vectors          live vectors in the collection
 * @param dimension        vector dimension
 * @param metric           the collection's metric
 * @param index            index factory string ({@code Flat} for none)
 * @param rf               replication factor
 * @param nodes            storage nodes
 * @param clusters         total clusters of the topology (shards of a collection on each node)
 * @param bufferRows       rows per shard buffer
 * @param metadataBytes    metadata bytes per row (encoded)
 * @param heapBytes        JVM heap of a node
 */
public record CapacityPlan(long vectors, int dimension, Metric metric, String index, int rf, int nodes, int clusters,
                           int bufferRows, long metadataBytes, long heapBytes) {

    /** The heap {@code ./vxdb run} gives a node (-Xmx1g): vectors, buffers and indexes live off-heap. */
    public static final long HEAP_DEFAULT = 1L << 30;
    /** Rows per WAL batch the estimate assumes (the import command's default batch). */
    public static final int WAL_BATCH_ROWS = 1000;
    /** Nodes the planner tries at most when it looks for the count that fits a memory limit. */
    public static final int MAX_NODES = 100_000;

    public CapacityPlan {
        require(vectors >= 0, "--vectors must be >= 0, got " + vectors);
        require(dimension >= 1 && dimension <= IndexSpec.MAX_DIMENSION, "--dim must be 1.." + IndexSpec.MAX_DIMENSION
                + ", got " + dimension);
        require(rf >= 1, "--rf must be >= 1, got " + rf);
        require(nodes >= rf, "--nodes must be at least --rf (" + rf + "), got " + nodes);
        require(clusters >= 1, "--clusters must be >= 1, got " + clusters);
        require(bufferRows >= 1, "--buffer-rows must be >= 1, got " + bufferRows);
        require(metadataBytes >= 0, "--metadata-bytes must be >= 0, got " + metadataBytes);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The engine's default buffer rows for this dimension. */
    public static int defaultBufferRows(int dimension) {
        return CollectionConfig.defaultBufferRows(dimension);
    }

    public CapacityPlan withNodes(int n) {
        return new CapacityPlan(vectors, dimension, metric, index, rf, n, clusters, bufferRows, metadataBytes,
                heapBytes);
    }

    /** Rows one node stores (its share of every replica), rounded up. */
    public long rowsPerNode() {
        return ceilDiv(Math.multiplyExact(vectors, (long) rf), nodes);
    }

    /** Shards that hold rows on one node: the clusters of its ranges, at least one. */
    public long shardsWithData() {
        return Math.max(1, Math.min(clusters, ceilDiv((long) clusters * rf, nodes)));
    }

    public long rowsPerShard() {
        return ceilDiv(rowsPerNode(), shardsWithData());
    }

    /** The index a shard of {@link #rowsPerShard()} rows builds, or null for {@code Flat} (exact scans). */
    public IndexSpec indexSpec() {
        IndexPolicy policy = IndexPolicy.of(index, 1);
        if (policy.isExact() || rowsPerShard() == 0) {
            return null;
        }
        Metric indexMetric = metric == Metric.COSINE ? Metric.INNER_PRODUCT : metric;
        return policy.resolve(dimension, indexMetric, rowsPerShard());
    }

    /** Native bytes of the memory buffers: every shard of the collection allocates one up front. */
    public long bufferBytes() {
        return clusters * StorageEstimates.bufferBytes(dimension, bufferRows);
    }

    /** Native bytes of the indexes over every shard's rows. */
    public long indexBytes() {
        IndexSpec spec = indexSpec();
        return spec == null ? 0 : shardsWithData() * StorageEstimates.indexBytes(spec, rowsPerShard());
    }

    /**
     * What the indexes hold against the budget once built: a build reserves for the index grown to
     * the rebuild factor (2x rows), so the budget must have that room.
     */
    public long indexReservationBytes() {
        IndexSpec spec = indexSpec();
        if (spec == null) {
            return 0;
        }
        IndexPolicy policy = IndexPolicy.of(index, 1);
        long grown = (long) Math.ceil(rowsPerShard() * policy.rebuildFactor());
        return shardsWithData() * StorageEstimates.indexBytes(spec, grown);
    }

    /** The training sample of one build (index builds run one at a time by default). */
    public long trainingBytes() {
        IndexSpec spec = indexSpec();
        if (spec == null || !spec.requiresTraining()) {
            return 0;
        }
        long sample = Math.min(rowsPerShard(), IndexPolicy.of(index, 1).maxTrainingRows());
        return EngineConfig.INDEX_BUILDS_DEFAULT * StorageEstimates.trainingSampleBytes(dimension, sample);
    }

    /** Native memory the node's budget must allow: buffers, index reservations, one training sample. */
    public long nativeBytes() {
        return bufferBytes() + indexReservationBytes() + trainingBytes();
    }

    /** Heap plus native memory: what the node's process needs besides the page cache. */
    public long memoryBytes() {
        return heapBytes + nativeBytes();
    }

    /** Bytes of segment files: each shard seals one segment per full buffer. */
    public long segmentBytes() {
        long rows = rowsPerShard();
        long full = rows / bufferRows;
        long rest = rows % bufferRows;
        long perShard = full * StorageEstimates.segmentFileBytes(dimension, bufferRows, metadataBytes * bufferRows)
                + (rest == 0 ? 0 : StorageEstimates.segmentFileBytes(dimension, rest, metadataBytes * rest));
        return shardsWithData() * perShard;
    }

    /** Bytes of WAL at most: the records of every shard's unsealed buffer. */
    public long walBytes() {
        long unsealed = Math.min(bufferRows, rowsPerShard());
        return shardsWithData() * StorageEstimates.walBytes(dimension, unsealed, metadataBytes, WAL_BATCH_ROWS);
    }

    /** Bytes of persisted index files (an index file holds what the index holds in memory). */
    public long indexFileBytes() {
        return indexBytes();
    }

    public long diskBytes() {
        return segmentBytes() + walBytes() + indexFileBytes();
    }

    /**
     * The fewest nodes (at least {@code rf}) whose per-node memory ({@link #memoryBytes()}) fits
     * {@code limitBytes}, or -1 when none up to {@link #MAX_NODES} does (the buffers alone may not fit).
     */
    public int nodesFor(long limitBytes) {
        for (int n = rf; n <= MAX_NODES; n++) {
            if (withNodes(n).memoryBytes() <= limitBytes) {
                return n;
            }
        }
        return -1;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
