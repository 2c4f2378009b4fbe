package org.vxdb.storage.wal;

/** When an append is acknowledged relative to the fsync ({@code FileChannel.force}) of its bytes. */
public enum FsyncPolicy {

    /**
     * An append is acknowledged only after an fsync that covers it. Concurrent appends are still
     * written together and covered by one fsync (group commit).
     */
    ALWAYS,

    /**
     * Like {@link #ALWAYS}, but fsyncs start at most once per {@link WalConfig#batchWindow()}, so
     * more appends share each fsync at the cost of up to one window of extra latency.
     */
    BATCH,

    /**
     * An append is acknowledged once its bytes are written to the page cache. Files are fsynced only
     * on rotation and close, so an OS crash or power loss may lose acknowledged appends.
     */
    NONE
}
