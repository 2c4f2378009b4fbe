package org.vxdb.storage.wal;

/**
 * Counters of one open WAL since it was opened.
 *
 * @param appends    records written
 * @param bytes      frame bytes written (headers, payloads and padding)
 * @param fsyncs     fsyncs of WAL files (recovery, group commits, rotations, close)
 * @param fsyncNanos total time spent in those fsyncs
 */
public record WalStats(long appends, long bytes, long fsyncs, long fsyncNanos) {

    public long meanFsyncNanos() {
        return fsyncs == 0 ? 0 : fsyncNanos / fsyncs;
    }
}
