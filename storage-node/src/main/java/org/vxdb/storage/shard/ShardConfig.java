package org.vxdb.storage.shard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.vxdb.index.Metric;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.observe.StorageListener;
import org.vxdb.storage.wal.WalConfig;

/**
 * Everything a shard needs to open: where it lives, the vector shape, the WAL settings and when
 * the memory buffer is sealed into a segment (whichever trigger fires first).
 *
 * @param bufferRows  rows per buffer; also the row count of every segment sealed because it filled up
 * @param bufferBytes seal when the buffer holds this many bytes of vectors and metadata
 * @param bufferAge   seal a non-empty buffer this old (checked on writes and by {@link Shard#maintain()})
 * @param listener    told about fsyncs, seals, index builds and compactions ({@link StorageListener#NONE} for none)
 * @param builds      shared by the shards of an engine: how many of them do index work at once
 * @param metadataIndexes the metadata fields indexed in every segment and the memory buffer (more can be
 *                    added to an open shard with {@link Shard#addMetadataIndex})
 */
public record ShardConfig(Path dir, int dimension, Metric metric, WalConfig wal, int bufferRows, long bufferBytes,
                          Duration bufferAge, IndexPolicy index, NativeMemoryBudget budget, StorageListener listener,
                          IndexBuildGate builds, List<MetadataIndexSpec> metadataIndexes) {

    public static final int DEFAULT_BUFFER_ROWS = 100_000;
    public static final long DEFAULT_BUFFER_BYTES = 256L << 20;
    public static final Duration DEFAULT_BUFFER_AGE = Duration.ofMinutes(10);

    public ShardConfig {
        if (dir == null) {
            throw new IllegalArgumentException("shard dir is required");
        }
        if (dimension < 1 || dimension > 65_536) {
            throw new IllegalArgumentException("dimension must be between 1 and 65536, got " + dimension);
        }
        if (metric == null || wal == null) {
            throw new IllegalArgumentException("metric and wal config are required");
        }
        if (bufferRows < 1) {
            throw new IllegalArgumentException("bufferRows must be >= 1, got " + bufferRows);
        }
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("bufferBytes must be >= 1, got " + bufferBytes);
        }
        if (bufferAge == null || bufferAge.isNegative() || bufferAge.isZero()) {
            throw new IllegalArgumentException("bufferAge must be positive, got " + bufferAge);
        }
        if (index == null) {
            throw new IllegalArgumentException("index policy is required (IndexPolicy.EXACT for none)");
        }
        index.resolve(dimension, metric, 1_000_000); // fails now on a spec that could never be built
        if (budget == null) {
            throw new IllegalArgumentException("native memory budget is required (NativeMemoryBudget.UNLIMITED for none)");
        }
        if (listener == null) {
            throw new IllegalArgumentException("storage listener is required (StorageListener.NONE for none)");
        }
        if (builds == null) {
            throw new IllegalArgumentException("index build gate is required (IndexBuildGate.UNLIMITED for none)");
        }
        metadataIndexes = MetadataIndexSpec.checkList(metadataIndexes);
    }

    /** A shard without metadata indexes. */
    public ShardConfig(Path dir, int dimension, Metric metric, WalConfig wal, int bufferRows, long bufferBytes,
                       Duration bufferAge, IndexPolicy index, NativeMemoryBudget budget, StorageListener listener,
                       IndexBuildGate builds) {
        this(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge, index, budget, listener, builds,
                List.of());
    }

    /** A shard whose index work is not bounded by any other shard's. */
    public ShardConfig(Path dir, int dimension, Metric metric, WalConfig wal, int bufferRows, long bufferBytes,
                       Duration bufferAge, IndexPolicy index, NativeMemoryBudget budget, StorageListener listener) {
        this(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge, index, budget, listener,
                IndexBuildGate.UNLIMITED);
    }

    /** A shard that reports to no listener. */
    public ShardConfig(Path dir, int dimension, Metric metric, WalConfig wal, int bufferRows, long bufferBytes,
                       Duration bufferAge, IndexPolicy index, NativeMemoryBudget budget) {
        this(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge, index, budget, StorageListener.NONE);
    }

    /** A shard with an index policy and no native memory limit. */
    public ShardConfig(Path dir, int dimension, Metric metric, WalConfig wal, int bufferRows, long bufferBytes,
                       Duration bufferAge, IndexPolicy index) {
        this(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge, index, NativeMemoryBudget.UNLIMITED);
    }

    /** A shard without an index over its sealed data (exact scans only). */
    public ShardConfig(Path dir, int dimension, Metric metric, WalConfig wal, int bufferRows, long bufferBytes,
                       Duration bufferAge) {
        this(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge, IndexPolicy.EXACT,
                NativeMemoryBudget.UNLIMITED);
    }

    public static ShardConfig of(Path dir, int dimension, Metric metric, WalConfig wal) {
        return new ShardConfig(dir, dimension, metric, wal, DEFAULT_BUFFER_ROWS, DEFAULT_BUFFER_BYTES,
                DEFAULT_BUFFER_AGE);
    }

    public ShardConfig withBufferRows(int rows) {
        return new ShardConfig(dir, dimension, metric, wal, rows, bufferBytes, bufferAge, index, budget, listener,
                builds, metadataIndexes);
    }

    public ShardConfig withIndex(IndexPolicy policy) {
        return new ShardConfig(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge,
                policy, budget, listener, builds, metadataIndexes);
    }

    public ShardConfig withBudget(NativeMemoryBudget newBudget) {
        return new ShardConfig(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge,
                index, newBudget, listener, builds, metadataIndexes);
    }

    public ShardConfig withListener(StorageListener newListener) {
        return new ShardConfig(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge,
                index, budget, newListener, builds, metadataIndexes);
    }

    public ShardConfig withBuildGate(IndexBuildGate gate) {
        return new ShardConfig(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge,
                index, budget, listener, gate, metadataIndexes);
    }

    public ShardConfig withMetadataIndexes(List<MetadataIndexSpec> specs) {
        return new ShardConfig(dir, dimension, metric, wal, bufferRows, bufferBytes, bufferAge,
                index, budget, listener, builds, specs);
    }
}
