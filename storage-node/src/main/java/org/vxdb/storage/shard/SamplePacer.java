package org.vxdb.storage.shard;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paces the sampling of served queries for recall calibration: one sample at a time, and after a
 * sample that took t the next waits t x (1 - share) / share, so sampling uses at most that share
 * of a core. One pacer serves every shard of a process ({@link #SHARED}), so a node with many
 * shards still spends at most that share of one core on sampling. Thread-safe.
 */
final class SamplePacer {

    /** The process's pacer: unfiltered and filtered samples of every shard take turns on it. */
    static final SamplePacer SHARED = new SamplePacer();

    /** A claimed sample that never reports (dropped by the full queue) frees the slot after this. */
    private static final long CLAIM_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** When the next served query may be sampled ({@link System#nanoTime()}). */
    private final AtomicLong nextSample = new AtomicLong(System.nanoTime());

    /** Whether a served query should be sampled now (and claims the slot if so: one at a time). */
    boolean shouldSample() {
        long now = System.nanoTime();
        long next = nextSample.get();
        // Once due, a query is taken with probability 1/8, so the samples do not fall into step with
        // a client that cycles through a fixed query set (always the same few queries).
        return now - next >= 0 && ThreadLocalRandom.current().nextInt(8) == 0
                && nextSample.compareAndSet(next, now + CLAIM_TIMEOUT_NANOS);
    }

    /** A sample took {@code nanos}: the next may start once {@code share} of a core allows. */
    void sampled(long nanos, double share) {
        nextSample.set(System.nanoTime() + (long) (nanos * (1 - share) / share));
    }
}
