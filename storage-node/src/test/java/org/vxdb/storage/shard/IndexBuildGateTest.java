package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IndexBuildGateTest {

    @Test
    void shouldLetTheNextShardInOnlyWhenATurnEnds() throws Exception {
        IndexBuildGate gate = new IndexBuildGate(1);
        assertTrue(gate.enter(() -> false));
        CountDownLatch asking = new CountDownLatch(1);
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            asking.countDown();
            return gate.enter(() -> false);
        });
        assertTrue(asking.await(10, TimeUnit.SECONDS));
        // While the first turn lasts, the second waits (it polls every 50 ms; several polls pass here).
        assertThrows(java.util.concurrent.TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS));
        gate.leave();
        assertTrue(second.get(10, TimeUnit.SECONDS));
        gate.leave();
    }

    @Test
    void shouldLetAsManyShardsInAsItsBound() {
        IndexBuildGate gate = new IndexBuildGate(2);
        assertTrue(gate.enter(() -> false));
        assertTrue(gate.enter(() -> false));
        // A third waits, and gives up once told to: the shard is closing.
        AtomicInteger asked = new AtomicInteger();
        assertFalse(gate.enter(() -> asked.incrementAndGet() > 3));
        assertEquals(4, asked.get());
        gate.leave();
        assertTrue(gate.enter(() -> false));
    }

    @Test
    void shouldNotWaitWhenClosingBeforeATurnIsFree() {
        IndexBuildGate gate = new IndexBuildGate(1);
        assertTrue(gate.enter(() -> false));
        assertFalse(gate.enter(() -> true));
    }

    @Test
    void shouldGiveUpWhenInterrupted() {
        IndexBuildGate gate = new IndexBuildGate(1);
        assertTrue(gate.enter(() -> false));
        Thread.currentThread().interrupt();
        try {
            assertFalse(gate.enter(() -> false));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void shouldNeverWaitWhenUnlimited() {
        assertTrue(IndexBuildGate.UNLIMITED.enter(() -> true));
        IndexBuildGate.UNLIMITED.leave();
        assertEquals(Integer.MAX_VALUE, IndexBuildGate.UNLIMITED.concurrent());
    }

    @Test
    void shouldRejectABoundBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IndexBuildGate(0));
        assertEquals("concurrent index builds must be >= 1, got 0", e.getMessage());
    }

    private static final long MS = 1_000_000;
    /** A last search long before any time these tests use. */
    private static final long NEVER = -(1L << 62);

    @Test
    void shouldNotDeferIndexWorkOfAShardThatIsSearched() {
        IndexBuildGate gate = new IndexBuildGate(1, Duration.ofMillis(500), Duration.ofSeconds(10));
        long due = 1_000 * MS;
        // Writes keep coming, but a search 200 ms ago needs the index: go.
        assertEquals(0, gate.deferNanos(due + 1_000 * MS, due + 1_000 * MS, due + 800 * MS, due));
        // The last search is older than the quiet period: defer again.
        assertEquals(500 * MS, gate.deferNanos(due + 2_000 * MS, due + 2_000 * MS, due + 800 * MS, due));
        assertTrue(gate.awaitQuiet(System::nanoTime, System::nanoTime, () -> false));
    }

    @Test
    void shouldDeferIndexWorkUntilWritesPauseForTheQuietPeriod() {
        IndexBuildGate gate = new IndexBuildGate(1, Duration.ofMillis(500), Duration.ofSeconds(10));
        long due = 1_000 * MS;
        // The last write 100 ms ago: 400 ms of quiet still to come.
        assertEquals(400 * MS, gate.deferNanos(due, due - 100 * MS, NEVER, due));
        // Writes keep coming: every new one restarts the quiet period.
        assertEquals(500 * MS, gate.deferNanos(due + 3_000 * MS, due + 3_000 * MS, NEVER, due));
        // Quiet for 500 ms: go.
        assertEquals(0, gate.deferNanos(due + 3_500 * MS, due + 3_000 * MS, NEVER, due));
    }

    @Test
    void shouldStopDeferringAtTheMaximumEvenIfWritesNeverPause() {
        IndexBuildGate gate = new IndexBuildGate(1, Duration.ofMillis(500), Duration.ofSeconds(10));
        long due = 1_000 * MS;
        assertEquals(200 * MS, gate.deferNanos(due + 9_800 * MS, due + 9_800 * MS, NEVER, due));
        assertEquals(0, gate.deferNanos(due + 10_000 * MS, due + 10_000 * MS, NEVER, due));
        assertEquals(0, gate.deferNanos(due + 60_000 * MS, due + 60_000 * MS, NEVER, due));
    }

    @Test
    void shouldNeverDeferWithoutAQuietPeriod() {
        IndexBuildGate gate = new IndexBuildGate(1);
        assertEquals(Duration.ZERO, gate.quietPeriod());
        assertEquals(0, gate.deferNanos(5 * MS, 5 * MS, NEVER, 5 * MS));
        assertTrue(gate.awaitQuiet(System::nanoTime, () -> NEVER, () -> false));
        assertEquals(0, IndexBuildGate.UNLIMITED.deferNanos(5 * MS, 5 * MS, NEVER, 5 * MS));
    }

    @Test
    void shouldStopWaitingForQuietWhenTheShardCloses() {
        IndexBuildGate gate = new IndexBuildGate(1, Duration.ofHours(1), Duration.ofHours(1));
        AtomicInteger asked = new AtomicInteger();
        // Writes never pause; the shard starts closing on the third check.
        assertFalse(gate.awaitQuiet(System::nanoTime, () -> NEVER, () -> asked.incrementAndGet() > 2));
        assertEquals(3, asked.get());
    }

    @Test
    void shouldGoAtOnceWhenTheLastWriteIsOlderThanTheQuietPeriod() {
        IndexBuildGate gate = new IndexBuildGate(1, Duration.ofHours(1), Duration.ofHours(1));
        long longAgo = System.nanoTime() - Duration.ofHours(2).toNanos();
        assertTrue(gate.awaitQuiet(() -> longAgo, () -> NEVER, () -> false));
    }

    @Test
    void shouldRejectANegativeDeferral() {
        IllegalArgumentException quiet = assertThrows(IllegalArgumentException.class,
                () -> new IndexBuildGate(1, Duration.ofMillis(-1), Duration.ZERO));
        assertEquals("index quiet period must be 0 or more, got PT-0.001S", quiet.getMessage());
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
                () -> new IndexBuildGate(1, Duration.ZERO, null));
        assertEquals("index max deferral must be 0 or more, got null", max.getMessage());
    }
}
