package org.vxdb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

    private static final long T = VersionCodec.EPOCH_MICROS + 1_000_000L;

    @Test
    void shouldIncreaseStrictlyWhileTheWallClockStandsStillOrGoesBack() {
        AtomicLong wall = new AtomicLong(T);
        HybridLogicalClock clock = new HybridLogicalClock(0, wall::get);
        long a = clock.next();
        long b = clock.next();
        wall.set(T - 100);
        long c = clock.next();
        assertEquals(VersionCodec.version(T, 0), a);
        assertEquals(a + 1, b);
        assertEquals(b + 1, c);
        wall.set(T + 5);
        long d = clock.next();
        assertEquals(VersionCodec.version(T + 5, 0), d);
        assertEquals(T + 5, VersionCodec.unixMicros(d));
        assertEquals(0, VersionCodec.logical(d));
        assertEquals(2, VersionCodec.logical(c));
    }

    @Test
    void shouldIssueVersionsAboveTheSeedAndEveryObservedOne() {
        HybridLogicalClock clock = new HybridLogicalClock(VersionCodec.version(T + 9_000_000, 7), () -> T);
        assertEquals(VersionCodec.version(T + 9_000_000, 8), clock.next());
        clock.observe(VersionCodec.version(T + 20_000_000, 0));
        assertEquals(VersionCodec.version(T + 20_000_000, 1), clock.next());
        clock.observe(5);
        assertEquals(VersionCodec.version(T + 20_000_000, 2), clock.next(), "an older version changes nothing");
    }

    @Test
    void shouldPlaceEveryVersionOfTheOldLayoutsBelowTheFirstOfThisOne() {
        long oldNodeMicros = 1_796_619_357_794_000L;       // a node's epoch microseconds, 2026-12
        long oldCoordinator = 1_796_619_357_794L << 16;     // a coordinator's millis << 16, 2026-12
        long now = VersionCodec.version(1_796_619_357_794_000L, 0);
        assertTrue(now > oldNodeMicros && now > oldCoordinator, Long.toString(now));
        assertEquals(Instant.parse("2026-12-07T04:55:57.794Z"), VersionCodec.instant(now));
        long lastOfLayout = VersionCodec.version(VersionCodec.EPOCH_MICROS + (1L << VersionCodec.TIME_BITS) - 1, 4095);
        assertEquals(Long.MAX_VALUE, lastOfLayout, "the layout never goes negative");
        assertTrue(VersionCodec.instant(lastOfLayout).isAfter(Instant.parse("2091-01-01T00:00:00Z")));
    }

    @Test
    void shouldRefuseALogicalCounterOutsideItsBits() {
        assertEquals("logical counter 4096 is outside 0-4095",
                assertThrows(IllegalArgumentException.class, () -> VersionCodec.version(T, 4096)).getMessage());
    }
}
