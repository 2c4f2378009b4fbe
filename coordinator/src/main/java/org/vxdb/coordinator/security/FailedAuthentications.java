package org.vxdb.coordinator.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client host in fixed windows; a host that reaches the limit is
 * refused until its window ends, right credentials or not, so a key cannot be guessed at speed.
 * Hosts with no recent failure cost nothing; the map is swept when it grows.
 */
final class FailedAuthentications {

    private static final int SWEEP_ABOVE = 10_000;

    private final int limit;
    private final long windowNanos;
    private final ConcurrentHashMap<String, Window> hosts = new ConcurrentHashMap<>();

    FailedAuthentications(int limit, Duration window) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    /** Nanoseconds until {@code host} may try again, or 0 when it may now. */
    long blockedFor(String host) {
        Window w = hosts.get(host);
        if (w == null) {
            return 0;
        }
        synchronized (w) {
            long left = w.start + windowNanos - System.nanoTime();
            return left > 0 && w.failures >= limit ? left : 0;
        }
    }

    /** Counts one failure of {@code host}. */
    void failed(String host) {
        long now = System.nanoTime();
        if (hosts.size() > SWEEP_ABOVE) {
            hosts.values().removeIf(w -> now - w.start > windowNanos);
        }
        Window w = hosts.compute(host, (h, old) -> old == null || now - old.start > windowNanos ? new Window(now) : old);
        synchronized (w) {
            w.failures++;
        }
    }
}
