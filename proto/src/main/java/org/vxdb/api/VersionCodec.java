package org.vxdb.api;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The layout of a record version (a {@code uint64} on the wire, a {@code long} in Java, always
 * below 2^63): microseconds since {@link #EPOCH_MICROS} (2020-01-01T00:00:00Z) in the high
 * {@value #TIME_BITS} bits, a logical counter in the low {@value #LOGICAL_BITS} (4,096 versions a
 * microsecond before the clock borrows from the next one). The layout reaches the year 2091.
 *
 * <p>Versions written before this layout (a node's epoch microseconds, about 1.8e15; a
 * coordinator's {@code millis << 16}, about 1.2e17) are all below the first version of this layout
 * (about 9e17 in 2027), so a write made now always wins over one made then.
 */
public final class VersionCodec {

    public static final int LOGICAL_BITS = 12;
    public static final int TIME_BITS = 63 - LOGICAL_BITS;
    /** 2020-01-01T00:00:00Z in microseconds since the Unix epoch. */
    public static final long EPOCH_MICROS = TimeUnit.SECONDS.toMicros(1_577_836_800L);
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private VersionCodec() {
    }

    /** The version of wall-clock time {@code unixMicros} with logical counter {@code logical}. */
    public static long version(long unixMicros, int logical) {
        long since = Math.max(0, unixMicros - EPOCH_MICROS);
        if (logical < 0 || logical > LOGICAL_MASK) {
            throw new IllegalArgumentException("logical counter " + logical + " is outside 0-" + LOGICAL_MASK);
        }
        return (since << LOGICAL_BITS) | logical;
    }

    /** The wall-clock time of a version, in microseconds since the Unix epoch. */
    public static long unixMicros(long version) {
        return (version >>> LOGICAL_BITS) + EPOCH_MICROS;
    }

    /** The logical counter of a version. */
    public static int logical(long version) {
        return (int) (version & LOGICAL_MASK);
    }

    /** The wall-clock instant of a version (for logs and tools). */
    public static Instant instant(long version) {
        long micros = unixMicros(version);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
