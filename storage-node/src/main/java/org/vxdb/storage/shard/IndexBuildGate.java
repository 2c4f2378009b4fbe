package org.vxdb.storage.shard;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounds how many shards of one engine run index work (FAISS training and adding rows) at once.
 * Every shard has its own indexer thread, and a build already uses the OpenMP threads of
 * {@code storage.index_threads}; a node with many shards that all seal at once under a bulk load
 * would otherwise run a build per shard side by side, each with its own OpenMP team, and spend the
 * CPUs switching between them (three nodes of 8 shards each on 2 cores reached a load average of 32).
 * Waiting shards take their turn in arrival order.
 */
public final class IndexBuildGate {

    /** No bound: every shard builds as soon as it has work (tests and single-shard tools). */
    public static final IndexBuildGate UNLIMITED = new IndexBuildGate();

    /** How often a waiting shard checks whether it should stop waiting (it is closing). */
    private static final long POLL_MILLIS = 50;

    private final Semaphore permits;
    private final int concurrent;

    private IndexBuildGate() {
        this.permits = null;
        this.concurrent = Integer.MAX_VALUE;
    }

    /** A gate that lets {@code concurrent} shards (at least 1) do index work at the same time. */
    public IndexBuildGate(int concurrent) {
        if (concurrent < 1) {
            throw new IllegalArgumentException("concurrent index builds must be >= 1, got " + concurrent);
        }
        this.permits = new Semaphore(concurrent, true);
        this.concurrent = concurrent;
    }

    public int concurrent() {
        return concurrent;
    }

    /**
     * Waits for a turn. Returns false without one when {@code abandon} turns true while waiting (the
     * shard is closing) or the thread is interrupted; the caller then skips its work.
     */
    public boolean enter(BooleanSupplier abandon) {
        if (permits == null) {
            return true;
        }
        try {
            while (!abandon.getAsBoolean()) {
                if (permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends a turn that {@link #enter} granted. */
    public void leave() {
        if (permits != null) {
            permits.release();
        }
    }
}
