package org.vxdb.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The one version clock of VxDB, shared by storage nodes (writes through their public API) and
 * coordinators (replicated writes): a hybrid logical clock packed in 64 bits,
 * {@link VersionCodec#version}: microseconds since 2020-01-01 UTC in the high 52 bits and a logical
 * counter in the low 12. Versions from one clock strictly increase; {@link #observe} moves the
 * clock past a version issued elsewhere (a node observes every replicated write, a coordinator the
 * newest version each node holds when it starts and every version it reads). A record with a
 * higher version wins on every replica alike, so two writes of one id through different processes
 * resolve to the later one as long as their wall clocks agree to within the time between the
 * writes, or one process saw the other's version.
 */
public final class HybridLogicalClock {

    private final AtomicLong last;
    private final LongSupplier wallMicros;

    /** A clock on the system's wall clock that issues versions above {@code newestSeen}. */
    public HybridLogicalClock(long newestSeen) {
        this(newestSeen, () -> TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
    }

    /** @param wallMicros microseconds since the Unix epoch */
    public HybridLogicalClock(long newestSeen, LongSupplier wallMicros) {
        this.last = new AtomicLong(Math.max(0, newestSeen));
        this.wallMicros = wallMicros;
    }

    /** A version greater than every version this clock issued or observed. */
    public long next() {
        long physical = VersionCodec.version(wallMicros.getAsLong(), 0);
        return last.updateAndGet(prev -> Math.max(prev + 1, physical));
    }

    /** Takes note of a version issued elsewhere: every later {@link #next} is above it. */
    public void observe(long version) {
        last.accumulateAndGet(version, Math::max);
    }

    /** The newest version issued or observed. */
    public long last() {
        return last.get();
    }
}
