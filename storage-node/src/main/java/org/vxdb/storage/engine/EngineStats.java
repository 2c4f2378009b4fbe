package org.vxdb.storage.engine;

import java.util.List;

/**
 * A snapshot of a {@link StorageEngine}'s size, summed over every open shard. Each shard is read
 * on its own, so under concurrent writes the sums are of slightly different moments.
 *
 * @param collections       open collections
 * @param shards            open shards
 * @param vectors           live vectors (not deleted, newest versions)
 * @param segments          sealed segments
 * @param bufferedRows      rows in the memory buffers, tombstones included
 * @param bufferBytes       bytes those rows take ({@link org.vxdb.storage.shard.Shard#bufferBytes()})
 * @param mappedBytes       sizes of the mapped segment files
 * @param indexedRows       rows covered by the shards' indexes
 * @param nativeBudgetUsed  native memory reserved from the engine's budget
 * @param nativeBudgetLimit the budget's limit
 * @param metadataIndexes   heap bytes of each declared metadata index, summed over its collection's shards
 */
public record EngineStats(int collections, int shards, long vectors, long segments, long bufferedRows,
                          long bufferBytes, long mappedBytes, long indexedRows, long nativeBudgetUsed,
                          long nativeBudgetLimit, List<MetadataIndexBytes> metadataIndexes) {

    public EngineStats {
        metadataIndexes = List.copyOf(metadataIndexes);
    }

    /** Stats without metadata indexes. */
    public EngineStats(int collections, int shards, long vectors, long segments, long bufferedRows, long bufferBytes,
                       long mappedBytes, long indexedRows, long nativeBudgetUsed, long nativeBudgetLimit) {
        this(collections, shards, vectors, segments, bufferedRows, bufferBytes, mappedBytes, indexedRows,
                nativeBudgetUsed, nativeBudgetLimit, List.of());
    }

    /** One metadata index of one collection: its field, kind label and heap bytes over all shards. */
    public record MetadataIndexBytes(String collection, String field, String kind, long bytes) {
    }
}
