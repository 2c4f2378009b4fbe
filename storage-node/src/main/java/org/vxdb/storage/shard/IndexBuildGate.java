package org.vxdb.storage.shard;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Bounds how many shards of one engine run index work (FAISS training and adding rows) at once.
 * Every shard has its own indexer thread, and a build already uses the OpenMP threads of
 * {@code storage.index_threads}; a node with many shards that all seal at once under a bulk load
 * would otherwise run a build per shard side by side, each with its own OpenMP team, and spend the
 * CPUs switching between them (three nodes of 8 shards each on 2 cores reached a load average of 32).
 * Waiting shards take their turn in arrival order.
 *
 * <p>Index work also stays out of a bulk load's way: before it takes its turn, a shard waits until
 * it has received no write for {@code quietPeriod} (a sustained write stream would otherwise share
 * its CPUs with training and list assignment), but never longer than {@code maxDeferral} after the
 * work became due, so a shard that never goes quiet is still indexed. A shard that was searched
 * within the quiet period does not wait: rows not yet indexed are scanned exactly, and a search
 * beside a long load would scan more and more of them.
 */
public final class IndexBuildGate {

    /** No bound: every shard builds as soon as it has work (tests and single-shard tools). */
    public static final IndexBuildGate UNLIMITED = new IndexBuildGate();

    /** How often a waiting shard checks whether it should stop waiting (it is closing). */
    private static final long POLL_MILLIS = 50;

    private final Semaphore permits;
    private final int concurrent;
    private final long quietNanos;
    private final long maxDeferralNanos;

    private IndexBuildGate() {
        this.permits = null;
        this.concurrent = Integer.MAX_VALUE;
        this.quietNanos = 0;
        this.maxDeferralNanos = 0;
    }

    /** A gate that lets {@code concurrent} shards (at least 1) do index work at the same time, without deferral. */
    public IndexBuildGate(int concurrent) {
        this(concurrent, Duration.ZERO, Duration.ZERO);
    }

    /**
     * A gate that lets {@code concurrent} shards (at least 1) do index work at the same time, each
     * once its writes paused for {@code quietPeriod} (zero: at once) or {@code maxDeferral} passed.
     */
    public IndexBuildGate(int concurrent, Duration quietPeriod, Duration maxDeferral) {
        if (concurrent < 1) {
            throw new IllegalArgumentException("concurrent index builds must be >= 1, got " + concurrent);
        }
        if (quietPeriod == null || quietPeriod.isNegative()) {
            throw new IllegalArgumentException("index quiet period must be 0 or more, got " + quietPeriod);
        }
        if (maxDeferral == null || maxDeferral.isNegative()) {
            throw new IllegalArgumentException("index max deferral must be 0 or more, got " + maxDeferral);
        }
        this.permits = new Semaphore(concurrent, true);
        this.concurrent = concurrent;
        this.quietNanos = quietPeriod.toNanos();
        this.maxDeferralNanos = maxDeferral.toNanos();
    }

    public int concurrent() {
        return concurrent;
    }

    public Duration quietPeriod() {
        return Duration.ofNanos(quietNanos);
    }

    public Duration maxDeferral() {
        return Duration.ofNanos(maxDeferralNanos);
    }

    /**
     * How long index work that became due at {@code dueNanos} should still wait at {@code nowNanos}
     * when the shard's last write was at {@code lastWriteNanos} and its last search at
     * {@code lastSearchNanos} (all {@link System#nanoTime()}); 0: go.
     */
    public long deferNanos(long nowNanos, long lastWriteNanos, long lastSearchNanos, long dueNanos) {
        if (quietNanos == 0 || nowNanos - lastSearchNanos < quietNanos) {
            return 0;
        }
        long untilQuiet = quietNanos - (nowNanos - lastWriteNanos);
        long untilLimit = maxDeferralNanos - (nowNanos - dueNanos);
        return Math.max(0, Math.min(untilQuiet, untilLimit));
    }

    /**
     * Waits until the shard's writes ({@code lastWriteNanos}) paused for the quiet period, the shard
     * is searched ({@code lastSearchNanos}), or the maximum deferral passed since the call. Returns
     * false without waiting out either when {@code abandon} turns true (the shard is closing) or the
     * thread is interrupted.
     */
    public boolean awaitQuiet(LongSupplier lastWriteNanos, LongSupplier lastSearchNanos, BooleanSupplier abandon) {
        long due = System.nanoTime();
        while (!abandon.getAsBoolean()) {
            long wait = deferNanos(System.nanoTime(), lastWriteNanos.getAsLong(), lastSearchNanos.getAsLong(), due);
            if (wait == 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return false;
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
