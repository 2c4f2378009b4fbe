package org.vxdb.storage.engine;

/** PLACEHOLDER until the shard-repair branch lands. */
public record EngineStats(int collections, int shards, long vectors, long segments, long bufferedRows,
                          long bufferBytes, long mappedBytes, long indexedRows, long nativeBudgetUsed,
                          long nativeBudgetLimit) {
}
