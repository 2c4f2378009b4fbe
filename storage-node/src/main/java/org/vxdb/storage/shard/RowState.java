package org.vxdb.storage.shard;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongUnaryOperator;
import org.agrona.collections.Long2LongHashMap;

/**
 * Which row holds the newest record of each id, and which rows are dead (superseded, deleted, or
 * tombstones). One writer at a time: the shard's write lock, or a compaction building a state for
 * its new segments before it swaps it in. Searches read {@link #dead} without locks, and the most
 * recent rows that died ({@link #killsSince}) to tell whether a write changed what they read.
 */
final class RowState {

    final Long2LongHashMap idToRow = new Long2LongHashMap(-1L);
    final RowBitmap dead;
    /** Read by searches without a lock (filter estimates). */
    volatile long liveRows;
    long maxVersion;

    /** The last {@link #KILL_LOG} rows that died, by kill number modulo its size. */
    static final int KILL_LOG = 1024;
    private final AtomicLongArray killLog = new AtomicLongArray(KILL_LOG);
    /** Rows that died so far (each logged after its bit is set). */
    private volatile long kills;

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
                kill(row);
                return;
            }
            if (!dead.get(prev)) {
                liveRows--;
            }
            kill(prev);
        }
        idToRow.put(id, row);
        if (tombstone) {
            kill(row);
        } else {
            liveRows++;
        }
    }

    private void kill(long row) {
        dead.set(row);
        log(row);
    }

    private void log(long row) {
        long n = kills;
        killLog.set((int) (n & (KILL_LOG - 1)), row);
        kills = n + 1;
    }

    /** Odd while a batch is being applied, bumped at its start and end (a sequence lock's counter). */
    private volatile long applying;
    /** {@link #kills} when the batch being applied started; written before {@link #applying} turns odd. */
    private volatile long batchKillsFrom;
    /** Whether the batch being applied announced every row it kills; written before {@link #applying} turns odd. */
    private volatile boolean announced;

    /**
     * A batch starts to be applied (the writer holds the shard's write lock). {@code victims}: the
     * rows it may kill, logged now, before any of them dies, so that a search running beside the
     * batch knows them; null when they cannot be known beforehand (an id twice in the batch), and a
     * search that overlaps the batch must then assume anything changed.
     */
    void applyStarts(long[] victims) {
        batchKillsFrom = kills;
        announced = victims != null;
        applying = applying + 1;
        if (victims != null) {
            for (long row : victims) {
                log(row);
            }
        }
    }

    /** The batch is applied: every row it killed is logged. */
    void applyEnds() {
        applying = applying + 1;
    }

    /** The batch counter: odd while one is being applied; unchanged over a search that no batch overlapped. */
    long applying() {
        return applying;
    }

    /** Whether the batch being applied (if {@link #applying} is odd) announced the rows it kills. */
    boolean announced() {
        return announced;
    }

    /** {@link #kills} when the batch being applied (if {@link #applying} is odd) started. */
    long batchKillsFrom() {
        return batchKillsFrom;
    }

    /** Rows that died so far: a search notes it before it reads and passes it to {@link #killsSince}. */
    long kills() {
        return kills;
    }

    /**
     * The rows that died since {@code before} ({@link #kills} then), or null when more died than the
     * log keeps (the caller must then assume any row it read may have died).
     */
    long[] killsSince(long before) {
        long now = kills;
        if (now - before > KILL_LOG) {
            return null;
        }
        long[] rows = new long[(int) (now - before)];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = killLog.get((int) ((before + i) & (KILL_LOG - 1)));
        }
        return kills - before > KILL_LOG ? null : rows; // overwritten while read
    }
}
