package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
