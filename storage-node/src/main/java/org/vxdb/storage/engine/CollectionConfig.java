package org.vxdb.storage.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.storage.memory.StorageEstimates;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.shard.IndexPolicy;
import org.vxdb.storage.shard.ShardConfig;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.storage.wal.WalConfig;

/**
 * What a collection is: its name, vector shape, index, number of shards and how each shard buffers
 * and logs writes. Validated completely when constructed; every error names the field. Persisted
 * beside the collection's shards ({@link CollectionConfigFile}); only metadata indexes are added later.
 *
 * @param name        1-64 letters, digits, {@code _} or {@code -}, starting with a letter; also a
 *                    directory name, so case-sensitive
 * @param dimension   components per vector, 1..65536
 * @param metric      how vectors are compared
 * @param index       FAISS factory description of the index over sealed data, stored in canonical
 *                    form ({@code HNSW32} becomes {@code HNSW32,Flat})
 * @param shardCount  shards, 1..4096; the coordinator's clusters map onto them
 * @param bufferRows  rows per shard memory buffer (allocated up front), also the size of a
 *                    segment sealed because the buffer filled up
 * @param bufferBytes seal a shard's buffer once it holds this many bytes
 * @param bufferAge   seal a non-empty buffer this old
 * @param fsyncPolicy when a shard's WAL acknowledges a write relative to fsync
 * @param batchWindow with {@link FsyncPolicy#BATCH}, the least time between two fsyncs
 * @param metadataIndexes metadata fields indexed in every shard (value to rows, or ordered numbers),
 *                    at most {@link MetadataIndexSpec#MAX_PER_COLLECTION}, each (field, kind) once
 * @param recallTarget recall@k searches aim for when they name none, in (0, 1]; 0: none
 */
public record CollectionConfig(String name, int dimension, Metric metric, String index, int shardCount,
                               int bufferRows, long bufferBytes, Duration bufferAge, FsyncPolicy fsyncPolicy,
                               Duration batchWindow, List<MetadataIndexSpec> metadataIndexes, double recallTarget) {

    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_DIMENSION = IndexSpec.MAX_DIMENSION;
    public static final int MAX_SHARD_COUNT = 4096;

    public static final String INDEX_DEFAULT = "Flat";
    public static final int SHARD_COUNT_DEFAULT = 1;
    /** Upper bound of the default; see {@link #defaultBufferRows(int)}. */
    public static final int BUFFER_ROWS_DEFAULT = ShardConfig.DEFAULT_BUFFER_ROWS;
    public static final long BUFFER_BYTES_DEFAULT = ShardConfig.DEFAULT_BUFFER_BYTES;
    public static final Duration BUFFER_AGE_DEFAULT = ShardConfig.DEFAULT_BUFFER_AGE;
    public static final FsyncPolicy FSYNC_POLICY_DEFAULT = WalConfig.POLICY_DEFAULT;
    public static final Duration BATCH_WINDOW_DEFAULT = WalConfig.BATCH_WINDOW_DEFAULT;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0," + (MAX_NAME_LENGTH - 1) + "}");

    public CollectionConfig {
        if (name == null) {
            throw new IllegalArgumentException("collection name is required");
        }
        if (!isValidName(name)) {
            throw new IllegalArgumentException("collection name '" + name
                    + "' is invalid: use 1-64 letters, digits, '_' or '-', starting with a letter");
        }
        String at = "collection '" + name + "': ";
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException(at + "dimension " + dimension + " is invalid: use 1-" + MAX_DIMENSION);
        }
        if (metric == null) {
            throw new IllegalArgumentException(at + "metric is required");
        }
        if (index == null) {
            throw new IllegalArgumentException(at + "index is required");
        }
        try {
            // "IVF,Flat" (nlist chosen at build time) stays as written; anything else is canonicalised.
            IndexPolicy.of(index, 1).resolve(dimension, metric, 1_000_000);
            if (!index.startsWith("IVF,")) {
                index = IndexSpec.parse(index, dimension, metric).description();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "index '" + index + "' is invalid: " + e.getMessage(), e);
        }
        if (shardCount < 1 || shardCount > MAX_SHARD_COUNT) {
            throw new IllegalArgumentException(at + "shardCount " + shardCount + " is invalid: use 1-"
                    + MAX_SHARD_COUNT);
        }
        if (bufferRows < 1) {
            throw new IllegalArgumentException(at + "bufferRows " + bufferRows + " is invalid: use at least 1");
        }
        if (bufferBytes < 1) {
            throw new IllegalArgumentException(at + "bufferBytes " + bufferBytes + " is invalid: use at least 1");
        }
        if (bufferAge == null) {
            throw new IllegalArgumentException(at + "bufferAge is required");
        }
        if (bufferAge.isNegative() || bufferAge.isZero()) {
            throw new IllegalArgumentException(at + "bufferAge " + bufferAge + " is invalid: use a positive duration");
        }
        if (fsyncPolicy == null) {
            throw new IllegalArgumentException(at + "fsyncPolicy is required");
        }
        checkBatchWindow(at, fsyncPolicy, batchWindow);
        try {
            metadataIndexes = MetadataIndexSpec.checkList(metadataIndexes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "metadataIndexes: " + e.getMessage(), e);
        }
        if (!(recallTarget >= 0 && recallTarget <= 1)) {
            throw new IllegalArgumentException(at + "recallTarget " + recallTarget
                    + " is invalid: use a recall in (0, 1] (0: none)");
        }
    }

    /** A collection without metadata indexes. */
    public CollectionConfig(String name, int dimension, Metric metric, String index, int shardCount, int bufferRows,
                            long bufferBytes, Duration bufferAge, FsyncPolicy fsyncPolicy, Duration batchWindow) {
        this(name, dimension, metric, index, shardCount, bufferRows, bufferBytes, bufferAge, fsyncPolicy, batchWindow,
                List.of(), 0);
    }

    /** A collection without a default recall target. */
    public CollectionConfig(String name, int dimension, Metric metric, String index, int shardCount, int bufferRows,
                            long bufferBytes, Duration bufferAge, FsyncPolicy fsyncPolicy, Duration batchWindow,
                            List<MetadataIndexSpec> metadataIndexes) {
        this(name, dimension, metric, index, shardCount, bufferRows, bufferBytes, bufferAge, fsyncPolicy, batchWindow,
                metadataIndexes, 0);
    }

    private static void checkBatchWindow(String at, FsyncPolicy policy, Duration window) {
        if (window == null) {
            throw new IllegalArgumentException(at + "batchWindow is required");
        }
        if (window.isNegative() || window.compareTo(WalConfig.MAX_BATCH_WINDOW) > 0) {
            throw new IllegalArgumentException(at + "batchWindow " + window + " is invalid: use 0 to "
                    + WalConfig.MAX_BATCH_WINDOW);
        }
        if (policy == FsyncPolicy.BATCH && window.isZero()) {
            throw new IllegalArgumentException(at + "batchWindow " + window
                    + " is invalid: fsyncPolicy BATCH needs a positive window");
        }
    }

    /** Whether {@code name} may name a collection (and so a directory). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** A collection of one shard with the default index, buffer and fsync settings. */
    public static CollectionConfig of(String name, int dimension, Metric metric) {
        return new CollectionConfig(name, dimension, metric, INDEX_DEFAULT, SHARD_COUNT_DEFAULT,
                defaultBufferRows(dimension), BUFFER_BYTES_DEFAULT, BUFFER_AGE_DEFAULT, FSYNC_POLICY_DEFAULT,
                BATCH_WINDOW_DEFAULT);
    }

    /**
     * {@link #BUFFER_ROWS_DEFAULT}, or fewer when that many rows of this dimension would pass
     * {@link #BUFFER_BYTES_DEFAULT}: a shard allocates its whole buffer up front, and rows past the
     * byte trigger would never be used.
     */
    public static int defaultBufferRows(int dimension) {
        long rowBytes = (long) Math.max(dimension, 1) * Float.BYTES + StorageEstimates.BUFFER_ROW_OVERHEAD_BYTES;
        return (int) Math.max(1, Math.min(BUFFER_ROWS_DEFAULT, BUFFER_BYTES_DEFAULT / rowBytes));
    }

    /** The index over each shard's sealed data, built once a shard has {@code buildThreshold} sealed rows. */
    public IndexPolicy indexPolicy(long buildThreshold) {
        return IndexPolicy.of(index, buildThreshold);
    }

    public CollectionConfig withIndex(String newIndex) {
        return new CollectionConfig(name, dimension, metric, newIndex, shardCount, bufferRows, bufferBytes, bufferAge,
                fsyncPolicy, batchWindow, metadataIndexes, recallTarget);
    }

    public CollectionConfig withShardCount(int newShardCount) {
        return new CollectionConfig(name, dimension, metric, index, newShardCount, bufferRows, bufferBytes, bufferAge,
                fsyncPolicy, batchWindow, metadataIndexes, recallTarget);
    }

    public CollectionConfig withBufferRows(int newBufferRows) {
        return new CollectionConfig(name, dimension, metric, index, shardCount, newBufferRows, bufferBytes, bufferAge,
                fsyncPolicy, batchWindow, metadataIndexes, recallTarget);
    }

    public CollectionConfig withBufferBytes(long newBufferBytes) {
        return new CollectionConfig(name, dimension, metric, index, shardCount, bufferRows, newBufferBytes, bufferAge,
                fsyncPolicy, batchWindow, metadataIndexes, recallTarget);
    }

    public CollectionConfig withBufferAge(Duration newBufferAge) {
        return new CollectionConfig(name, dimension, metric, index, shardCount, bufferRows, bufferBytes, newBufferAge,
                fsyncPolicy, batchWindow, metadataIndexes, recallTarget);
    }

    /** Sets both WAL settings at once, so a policy and the window it needs change together. */
    public CollectionConfig withFsync(FsyncPolicy newPolicy, Duration newBatchWindow) {
        return new CollectionConfig(name, dimension, metric, index, shardCount, bufferRows, bufferBytes, bufferAge,
                newPolicy, newBatchWindow, metadataIndexes, recallTarget);
    }

    public CollectionConfig withMetadataIndexes(List<MetadataIndexSpec> specs) {
        return new CollectionConfig(name, dimension, metric, index, shardCount, bufferRows, bufferBytes, bufferAge,
                fsyncPolicy, batchWindow, specs, recallTarget);
    }

    /** This config with a default recall target for its searches (0: none). */
    public CollectionConfig withRecallTarget(double target) {
        return new CollectionConfig(name, dimension, metric, index, shardCount, bufferRows, bufferBytes, bufferAge,
                fsyncPolicy, batchWindow, metadataIndexes, target);
    }

    /** This config with {@code spec} added to its metadata indexes (unchanged when already there). */
    public CollectionConfig withMetadataIndex(MetadataIndexSpec spec) {
        if (metadataIndexes.contains(spec)) {
            return this;
        }
        List<MetadataIndexSpec> next = new ArrayList<>(metadataIndexes);
        next.add(spec);
        return withMetadataIndexes(next);
    }
}
