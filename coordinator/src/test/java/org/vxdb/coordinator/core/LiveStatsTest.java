package org.vxdb.coordinator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vxdb.coordinator.security.Operation;

class LiveStatsTest {

    private static final long TWO_SECONDS = TimeUnit.SECONDS.toNanos(2);

    @Test
    void shouldTurnAnIntervalOfCallsIntoRatesAndPercentiles() {
        try (LiveStats live = new LiveStats(() -> 3, false)) {
            long t = System.nanoTime();
            live.sample(t);
            for (int i = 1; i <= 100; i++) {
                live.record(Operation.SEARCH, TimeUnit.MILLISECONDS.toNanos(i), false, 10, i <= 4);
            }
            live.record(Operation.UPSERT, TimeUnit.MILLISECONDS.toNanos(5), false, 1000, false);
            live.record(Operation.INSERT, TimeUnit.MILLISECONDS.toNanos(7), false, 500, false);
            live.record(Operation.DELETE, TimeUnit.MILLISECONDS.toNanos(9), false, 30, false);
            live.record(Operation.UPSERT, TimeUnit.MILLISECONDS.toNanos(11), true, -1, false);
            live.record(Operation.GET, TimeUnit.MILLISECONDS.toNanos(1), false, 2, false);
            live.record(Operation.LIST_COLLECTIONS, TimeUnit.MILLISECONDS.toNanos(1), true, -1, false);
            LiveStats.Sample s = live.sample(t + TWO_SECONDS);
            assertEquals(50.0, s.searchesPerSecond());
            assertEquals(2.0, s.writesPerSecond(), "insert, upsert, delete and the failed upsert");
            assertEquals(750.0, s.rowsWrittenPerSecond(), "rows of the upserts and the insert that succeeded");
            assertEquals(0.5, s.readsPerSecond());
            assertEquals(1.0, s.errorsPerSecond(), "the failed upsert and the failed list");
            assertEquals(2.0, s.partialSearchesPerSecond());
            // HdrHistogram at two significant digits: 50 ms and 99 ms are exact at this precision
            assertEquals(50.0, s.searchP50Millis(), 0.5);
            assertEquals(99.0, s.searchP99Millis(), 1.0);
            assertEquals(7.0, s.writeP50Millis(), 0.1);
            assertEquals(11.0, s.writeP99Millis(), 0.1);
            assertEquals(3, s.inFlight());
        }
    }

    @Test
    void shouldStartEachIntervalAfreshAndReportZeroLatencyWhenNothingRan() {
        try (LiveStats live = new LiveStats(() -> 0, false)) {
            long t = System.nanoTime();
            live.sample(t);
            live.record(Operation.SEARCH, TimeUnit.MILLISECONDS.toNanos(3), false, 1, false);
            live.sample(t + TWO_SECONDS);
            LiveStats.Sample quiet = live.sample(t + 2 * TWO_SECONDS);
            assertEquals(0.0, quiet.searchesPerSecond());
            assertEquals(0.0, quiet.searchP50Millis());
            assertEquals(0.0, quiet.searchP99Millis());
        }
    }

    @Test
    void shouldGiveASubscriberTheHistoryThenEachNewSampleOnce() {
        try (LiveStats live = new LiveStats(() -> 0, false)) {
            long t = System.nanoTime();
            for (int i = 1; i <= LiveStats.HISTORY + 5; i++) {
                live.sample(t + i * TWO_SECONDS);
            }
            List<LiveStats.Sample> seen = new ArrayList<>();
            try (LiveStats.Subscription sub = live.subscribe(seen::add)) {
                assertEquals(LiveStats.HISTORY, sub.history().size(), "only the last samples are kept");
                LiveStats.Sample next = live.sample(t + (LiveStats.HISTORY + 6) * TWO_SECONDS);
                assertEquals(List.of(next), seen);
            }
            live.sample(t + (LiveStats.HISTORY + 7) * TWO_SECONDS);
            assertEquals(1, seen.size(), "nothing after the subscription closed");
        }
    }
}
