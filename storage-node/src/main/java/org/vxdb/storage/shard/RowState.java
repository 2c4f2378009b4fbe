package org.vxdb.storage.shard;

import java.util.function.LongUnaryOperator;
import org.agrona.collections.Long2LongHashMap;

/**
 * Which row holds the newest record of each id, and which rows are dead (superseded, deleted, or
 * tombstones). One writer at a time: the shard's write lock, or a compaction building a state for
 * its new segments before it swaps it in. Searches read {@link #dead} without locks.
 */
final class RowState {

    final Long2LongHashMap idToRow = new Long2LongHashMap(-1L);
    final RowBitmap dead;
    long liveRows;
    long maxVersion;

    RowState() {
        this(new RowBitmap());
    }

    RowState(RowBitmap dead) {
        this.dead = dead;
    }

    /**
     * Makes {@code row} the newest row of {@code id}, retiring the previous one, unless that one is
     * at least as new ({@code versionOf} gives the version of a row tracked before).
     */
    void track(long id, long version, boolean tombstone, long row, LongUnaryOperator versionOf) {
        maxVersion = Math.max(maxVersion, version);
        long prev = idToRow.get(id);
        if (prev != -1) {
            if (version <= versionOf.applyAsLong(prev)) {
                dead.set(row);
                return;
            }
            if (!dead.get(prev)) {
                liveRows--;
            }
            dead.set(prev);
        }
        idToRow.put(id, row);
        if (tombstone) {
            dead.set(row);
        } else {
            liveRows++;
        }
    }
}
