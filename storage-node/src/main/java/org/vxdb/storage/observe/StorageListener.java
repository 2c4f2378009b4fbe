package org.vxdb.storage.observe;

/**
 * Callbacks for metrics and tracing of the storage engine. Every method has a no-op default, so an
 * implementation overrides only what it records. Callbacks run on the engine's own threads (the WAL
 * writer, a writing thread holding the shard's write lock, the index thread): they must be quick
 * and must not call back into the shard. An exception a callback throws is caught and logged (see
 * {@link GuardedStorageListener}); it never fails the engine's work.
 */
public interface StorageListener {

    /** Records nothing. */
    StorageListener NONE = new StorageListener() {
    };

    /** The WAL writer fsynced a WAL file (group commit, rotation, recovery or close). */
    default void walFsync(long nanos) {
    }

    /** The WAL writer wrote {@code records} records, {@code bytes} frame bytes in all, in one pass. */
    default void walAppended(int records, long bytes) {
    }

    /** A shard sealed its memory buffer into a segment of {@code rows} rows. */
    default void segmentSealed(long rows, long nanos) {
    }

    /** A shard built (or rebuilt) its index, described as {@code description}, over {@code rows} rows. */
    default void indexBuilt(String description, long rows, long nanos) {
    }

    /** A shard's index build or catch-up failed; searches stay exact where the index does not cover. */
    default void indexBuildFailed(String reason) {
    }

    /** A shard compacted its sealed segments, dropping {@code rowsRemoved} superseded or deleted rows. */
    default void compacted(long rowsRemoved, long nanos) {
    }

    /**
     * A shard ran a filtered search with plan {@code plan} ({@code exact-matches}, {@code index},
     * {@code index-wide}, one of the index plans followed by {@code +post} when the index's nearest
     * rows held k matches, or by {@code ->exact} when the probed lists held fewer than k matches);
     * it estimated {@code estimatedMatches} live matching rows and found {@code actualMatches} (for
     * {@code +post} plans: the indexes' count over the covered rows, which are not enumerated).
     */
    default void filteredSearch(String plan, long estimatedMatches, long actualMatches) {
    }

    /** A shard built the metadata indexes {@code fields} (comma-separated specs) of a segment of {@code rows} rows. */
    /**
     * A recall calibration sample: {@code served} for a served query (false: a row of the shard used
     * as a query when an index was built), with the recall@k measured at the default setting.
     */
    default void recallSampled(boolean served, double recallAtDefault) {
    }

    /**
     * A filtered calibration sample: the recall@k of the index with the filter's allowed rows at the
     * setting it widens from (before any widening), against the exact filtered answer.
     */
    default void filteredRecallSampled(double recallAtBase) {
    }

    default void metadataIndexBuilt(String fields, long rows, long nanos) {
    }
}
