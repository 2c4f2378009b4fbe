package org.vxdb.coordinator.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The coordinator's in-flight budget, shared by every protocol: at most {@code running + queued}
 * requests are held at once. A request beyond it is refused before any of it runs, with one
 * message every adapter passes on (gRPC RESOURCE_EXHAUSTED, HTTP 429, a RESP error, a WebSocket
 * back-off); adapters also stop reading their sockets while {@link #saturated()}.
 */
public final class InFlightBudget {

    private final int running;
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> drainWaiters = new ConcurrentLinkedQueue<>();

    public InFlightBudget(int running, int queued) {
        if (running < 1 || queued < 0) {
            throw new IllegalArgumentException("running must be >= 1 and queued >= 0, got " + running + ", " + queued);
        }
        this.running = running;
        this.limit = running + queued;
    }

    /** Takes one slot, or throws RESOURCE_EXHAUSTED when every slot is taken. */
    public void acquire() {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            throw VxdbException.exhausted("coordinator is at its limit of " + limit + " requests in flight ("
                    + running + " running, " + (limit - running) + " queued); retry with backoff");
        }
    }

    public void release() {
        inFlight.decrementAndGet();
        if (!drainWaiters.isEmpty() && !saturated()) {
            runDrainWaiters();
        }
    }

    /**
     * Runs {@code waiter} once the budget is no longer saturated: at once if it is not now, else on
     * the thread of the release that brings it below the mark. Waiters must be quick (hand off to
     * their own thread).
     */
    public void whenNotSaturated(Runnable waiter) {
        drainWaiters.add(waiter);
        if (!saturated()) {
            runDrainWaiters(); // a release may have come between the caller's check and the add
        }
    }

    private void runDrainWaiters() {
        for (Runnable w = drainWaiters.poll(); w != null; w = drainWaiters.poll()) {
            try {
                w.run();
            } catch (RuntimeException gone) {
                // e.g. the event loop of a closed connection refused the hand-off: nothing to resume;
                // never let it reach the release of an unrelated call
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Three quarters of the budget in use: adapters pause reading new requests. */
    public boolean saturated() {
        return inFlight.get() * 4L >= limit * 3L;
    }
}
