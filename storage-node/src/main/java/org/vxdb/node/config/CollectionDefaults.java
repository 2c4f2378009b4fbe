package org.vxdb.node.config;

import java.time.Duration;
import java.util.Objects;
import org.vxdb.index.Metric;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * How a new collection buffers and logs writes unless its create request says otherwise
 * ({@code collection_defaults} in the node config). The defaults are {@link CollectionConfig}'s.
 * Values read from a config file are validated by {@link NodeConfig}; this record checks only that
 * none is missing.
 *
 * @param fsyncPolicy when a shard's WAL acknowledges a write relative to fsync
 * @param batchWindow with {@link FsyncPolicy#BATCH}, the least time between two fsyncs
 * @param bufferRows  rows per shard buffer; 0 means {@link CollectionConfig#defaultBufferRows(int)}
 * @param bufferBytes seal a shard's buffer once it holds this many bytes
 * @param bufferAge   seal a non-empty buffer this old
 */
public record CollectionDefaults(FsyncPolicy fsyncPolicy, Duration batchWindow, int bufferRows, long bufferBytes,
                                 Duration bufferAge) {

    public static final FsyncPolicy FSYNC_POLICY_DEFAULT = CollectionConfig.FSYNC_POLICY_DEFAULT;
    public static final Duration BATCH_WINDOW_DEFAULT = CollectionConfig.BATCH_WINDOW_DEFAULT;
    /** Chosen from the dimension when a collection is created. */
    public static final int BUFFER_ROWS_DEFAULT = 0;
    public static final long BUFFER_BYTES_DEFAULT = CollectionConfig.BUFFER_BYTES_DEFAULT;
    public static final Duration BUFFER_AGE_DEFAULT = CollectionConfig.BUFFER_AGE_DEFAULT;

    public CollectionDefaults {
        Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
        Objects.requireNonNull(batchWindow, "batchWindow");
        Objects.requireNonNull(bufferAge, "bufferAge");
    }

    public static CollectionDefaults defaults() {
        return new CollectionDefaults(FSYNC_POLICY_DEFAULT, BATCH_WINDOW_DEFAULT, BUFFER_ROWS_DEFAULT,
                BUFFER_BYTES_DEFAULT, BUFFER_AGE_DEFAULT);
    }

    /** The buffer rows of a collection of this dimension: {@link #bufferRows()}, or the default for it. */
    public int bufferRows(int dimension) {
        return bufferRows == 0 ? CollectionConfig.defaultBufferRows(dimension) : bufferRows;
    }

    /** A one-shard collection with the default index and these buffer and fsync settings. */
    public CollectionConfig collectionConfig(String name, int dimension, Metric metric) {
        return new CollectionConfig(name, dimension, metric, CollectionConfig.INDEX_DEFAULT,
                CollectionConfig.SHARD_COUNT_DEFAULT, bufferRows(dimension), bufferBytes, bufferAge, fsyncPolicy,
                batchWindow);
    }
}
