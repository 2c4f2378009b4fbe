package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loops' accounting, on a virtual clock that only the operations move. */
class LoadLoopTest {

    /** A clock that stands still until an operation advances it; waiting jumps it forward. */
    private static final class VirtualTicker implements Ticker {
        long now = 1_000_000_000L;

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized void sleepUntil(long deadline) {
            now = Math.max(now, deadline);
        }

        synchronized void advance(long nanos) {
            now += nanos;
        }
    }

    private static final long MS = 1_000_000L;

    @Test
    void shouldMeasureOpenLoopLatencyFromTheScheduledSendTime() {
        VirtualTicker clock = new VirtualTicker();
        // 1000 calls/s: call i is due at i ms; each takes 3 ms, so with one worker call i starts at 3i ms
        // and ends at 3i + 3 ms: latency from schedule 2i + 3 ms, service time always 3 ms.
        LoadLoop.Result r = new LoadLoop(clock).open(1000, 1, 5, 0, i -> clock.advance(3 * MS));
        assertEquals(5, r.completed());
        assertEquals(0, r.failed());
        assertEquals(15 * MS, r.elapsedNanos());
        assertEquals(5 / 0.015, r.achievedRate(), 1e-9);
        assertEquals(3 * MS, r.latency().getMinValue(), r.latency().sizeOfEquivalentValueRange(3 * MS));
        assertEquals(11 * MS, r.latency().getMaxValue(), r.latency().sizeOfEquivalentValueRange(11 * MS));
        assertEquals(7 * MS, r.latency().getMean(), 0.001 * 7 * MS);
        assertEquals(3 * MS, r.serviceTime().getMaxValue(), r.serviceTime().sizeOfEquivalentValueRange(3 * MS));
        // calls 1..4 started 2, 4, 6, 8 ms late
        assertEquals(4, r.lateStarts());
        assertEquals(1000, r.targetRate());
    }

    @Test
    void shouldKeepTheScheduleWhenCallsAreFasterThanTheRate() {
        VirtualTicker clock = new VirtualTicker();
        List<Long> starts = new ArrayList<>();
        LoadLoop.Result r = new LoadLoop(clock).open(100, 1, 4, 0, i -> {
            starts.add(clock.nanoTime());
            clock.advance(MS / 2);
        });
        long t0 = starts.get(0);
        assertEquals(List.of(t0, t0 + 10 * MS, t0 + 20 * MS, t0 + 30 * MS), starts);
        assertEquals(0, r.lateStarts());
        assertEquals(MS / 2, r.latency().getMaxValue(), r.latency().sizeOfEquivalentValueRange(MS / 2));
        assertEquals(30 * MS + MS / 2, r.elapsedNanos());
    }

    @Test
    void shouldStopAnOpenLoopAtTheDuration() {
        VirtualTicker clock = new VirtualTicker();
        // 1000/s for 10 ms: calls due at 0..9 ms, the one due at 10 ms is not sent.
        LoadLoop.Result r = new LoadLoop(clock).open(1000, 1, 0, 10 * MS, i -> clock.advance(MS / 10));
        assertEquals(10, r.completed());
    }

    @Test
    void shouldCountFailuresApartAndKeepTheFirstError() {
        VirtualTicker clock = new VirtualTicker();
        LoadLoop.Result r = new LoadLoop(clock).closed(1, 6, 0, i -> {
            clock.advance(MS);
            if (i % 3 == 1) {
                throw new IllegalStateException("call " + i + " refused");
            }
        });
        assertEquals(4, r.completed());
        assertEquals(2, r.failed());
        assertEquals("java.lang.IllegalStateException: call 1 refused", r.firstError());
        assertEquals(4, r.latency().getTotalCount());
    }

    @Test
    void shouldRunExactlyTheRequestedCallsInAClosedLoopAcrossThreads() {
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        LoadLoop.Result r = new LoadLoop(Ticker.SYSTEM).closed(4, 1000, 0, seen::add);
        assertEquals(1000, r.completed());
        assertEquals(1000, seen.stream().distinct().count());
        assertEquals(0L, seen.stream().mapToLong(Long::longValue).min().orElseThrow());
        assertEquals(999L, seen.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void shouldRejectLoopsWithoutLimitsOrRate() {
        LoadLoop loop = new LoadLoop(new VirtualTicker());
        assertEquals("a load loop needs a call count or a duration", assertThrows(IllegalArgumentException.class,
                () -> loop.closed(1, 0, 0, i -> { })).getMessage());
        assertEquals("open loop: rate must be a positive number of calls per second, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> loop.open(0, 1, 5, 0, i -> { })).getMessage());
        assertEquals("a load loop needs at least one thread, got 0", assertThrows(IllegalArgumentException.class,
                () -> loop.closed(0, 5, 0, i -> { })).getMessage());
    }
}
