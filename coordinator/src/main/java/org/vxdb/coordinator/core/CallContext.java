package org.vxdb.coordinator.core;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * What every core call carries besides its request: who calls, the request id that ties the
 * call's log lines, audit entry and error body together, and the deadline (a {@link System#nanoTime()}
 * instant) after which the caller no longer waits.
 */
public record CallContext(Caller caller, String requestId, long deadlineNanos, boolean callerMayBlock) {

    public CallContext {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(requestId, "requestId");
    }

    public CallContext(Caller caller, String requestId, long deadlineNanos) {
        this(caller, requestId, deadlineNanos, false);
    }

    /**
     * This context for a caller on a thread that may block (a gRPC handler thread, not a Netty event
     * loop): the core may then start the call on it instead of handing it to its own threads.
     */
    public CallContext onBlockingThread() {
        return new CallContext(caller, requestId, deadlineNanos, true);
    }

    /** A context whose deadline is {@code timeout} from now; a null request id gets a new UUID. */
    public static CallContext of(Caller caller, String requestId, Duration timeout) {
        return new CallContext(caller, requestId == null ? newRequestId() : requestId,
                System.nanoTime() + Math.max(1, timeout.toNanos()));
    }

    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    public boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }
}
