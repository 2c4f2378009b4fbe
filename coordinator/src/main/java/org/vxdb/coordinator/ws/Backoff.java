package org.vxdb.coordinator.ws;

/**
 * How a session retries a batch the coordinator refused for lack of capacity (in-flight budget,
 * rate limit): it keeps the batch, tells the client to back off, and tries again after a delay
 * that doubles from {@link #FIRST_DELAY_MILLIS} up to {@link #MAX_DELAY_MILLIS}. After
 * {@link #MAX_REFUSALS} refusals in a row the session gives up with close 1013 (try again later):
 * about 5 s of refusals means the coordinator is overloaded, not busy for a moment.
 */
final class Backoff {

    static final long FIRST_DELAY_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 2_000;
    static final int MAX_REFUSALS = 6;

    private Backoff() {
    }

    /** The delay after the {@code refusal}-th refusal (1-based), at least {@code minimumMillis}. */
    static long delayMillis(int refusal, long minimumMillis) {
        long doubled = FIRST_DELAY_MILLIS << Math.min(refusal - 1, 20);
        return Math.max(minimumMillis, Math.min(MAX_DELAY_MILLIS, doubled));
    }
}
