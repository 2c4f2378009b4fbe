package org.vxdb.node.grpc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Versions for writes that arrive through this node's public API: microseconds since the epoch,
 * made strictly increasing (a hybrid logical clock without a remote component). Seeded at start
 * with the newest version on disk, so a clock that moved backwards across a restart cannot make
 * new writes lose to old ones.
 */
public final class VersionClock {

    private final AtomicLong last;
    private final LongSupplier micros;

    public VersionClock(long newestOnDisk) {
        this(newestOnDisk, () -> TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
    }

    VersionClock(long newestOnDisk, LongSupplier micros) {
        this.last = new AtomicLong(Math.max(0, newestOnDisk));
        this.micros = micros;
    }

    /** A version greater than every version handed out or seen before. */
    public long next() {
        long now = micros.getAsLong();
        return last.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    /** Moves the clock past a version seen elsewhere (a replicated write). */
    public void observe(long version) {
        last.accumulateAndGet(version, Math::max);
    }
}
