package org.vxdb.storage.wal;

import org.agrona.concurrent.IdleStrategy;

/**
 * Idles the WAL writer: a few spins and yields to catch the next batch of a busy appender cheaply, then
 * a park that lasts until an appender wakes the writer or a BATCH fsync falls due. A fixed-period
 * backoff (Agrona's BackoffIdleStrategy) would wake an idle writer about a thousand times a second
 * and add up to its park period to the first append after a pause.
 */
final class WalWriterIdleStrategy implements IdleStrategy {

    private static final int MAX_SPINS = 20;
    private static final int MAX_YIELDS = 5;

    private final WalWriter writer;
    private int spins;
    private int yields;

    WalWriterIdleStrategy(WalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (spins < MAX_SPINS) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < MAX_YIELDS) {
            yields++;
            Thread.yield();
        } else {
            writer.parkUntilWorkOrDue();
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
    }

    @Override
    public String alias() {
        return "wal-writer";
    }
}
