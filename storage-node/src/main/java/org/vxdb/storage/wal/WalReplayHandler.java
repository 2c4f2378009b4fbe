package org.vxdb.storage.wal;

import java.lang.foreign.MemorySegment;

/** Receives the records found while a WAL is opened, in LSN order. */
@FunctionalInterface
public interface WalReplayHandler {

    /**
     * Called once per record with an LSN above the replay point.
     *
     * @param payload read-only view of the record's payload, valid only during this call (the file
     *                mapping behind it is released afterwards); copy what must be kept
     */
    void onRecord(long lsn, MemorySegment payload);
}
