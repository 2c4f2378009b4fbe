package org.vxdb.storage.shard;

import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.metaindex.MetadataIndexSet;

/** A sealed segment's metadata indexes and their share of the memory budget, released on close. */
record SegmentMetadataIndexes(MetadataIndexSet set, NativeMemoryBudget.Reservation reservation)
        implements AutoCloseable {

    @Override
    public void close() {
        reservation.close();
    }
}
