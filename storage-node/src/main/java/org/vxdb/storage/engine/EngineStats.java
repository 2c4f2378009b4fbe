package org.vxdb.storage.engine;

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
 */
public record EngineStats(int collections, int shards, long vectors, long segments, long bufferedRows,
                          long bufferBytes, long mappedBytes, long indexedRows, long nativeBudgetUsed,
                          long nativeBudgetLimit) {
}
