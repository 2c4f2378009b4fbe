package org.vxdb.coordinator.routing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Versions for replicated writes: a hybrid logical clock packed in 64 bits, wall-clock
 * milliseconds in the high 48 bits and a logical counter in the low 16. Versions from one
 * coordinator strictly increase; {@link #observe} moves the clock past versions seen on the nodes
 * (at start and in responses), so coordinators whose wall clocks disagree still order a later
 * write after an earlier one they know of. Concurrent writes of one id from two coordinators are
 * ordered by their versions: last writer by (clock, counter) wins on every replica alike.
 */
public final class HybridLogicalClock {

    static final int LOGICAL_BITS = 16;

    private final AtomicLong last = new AtomicLong();
    private final LongSupplier wallMillis;

    public HybridLogicalClock() {
        this(System::currentTimeMillis);
    }

    HybridLogicalClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    /** A version greater than every version this clock issued or observed. */
    public long next() {
        long physical = wallMillis.getAsLong() << LOGICAL_BITS;
        return last.updateAndGet(prev -> Math.max(prev + 1, physical));
    }

    /** Takes note of a version issued elsewhere. */
    public void observe(long version) {
        last.accumulateAndGet(version, Math::max);
    }

    /** The wall-clock milliseconds a version was issued at. */
    public static long millisOf(long version) {
        return version >>> LOGICAL_BITS;
    }
}
