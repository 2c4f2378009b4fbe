package org.vxdb.coordinator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

    @Test
    void shouldIncreaseStrictlyWhileTheWallClockStandsStillOrGoesBack() {
        AtomicLong wall = new AtomicLong(1_000);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long a = clock.next();
        long b = clock.next();
        wall.set(900);
        long c = clock.next();
        assertEquals(1_000L << 16, a);
        assertEquals(a + 1, b);
        assertEquals(b + 1, c);
        wall.set(2_000);
        assertEquals(2_000L << 16, clock.next());
        assertEquals(2_000, HybridLogicalClock.millisOf(clock.next()));
    }

    @Test
    void shouldIssueVersionsAboveEveryObservedOne() {
        HybridLogicalClock clock = new HybridLogicalClock(() -> 5);
        clock.observe(9_000_000L << 16);
        assertTrue(clock.next() > 9_000_000L << 16);
    }
}
