package org.vxdb.coordinator.client;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Which failures of a node call say something about the node (and so count, and may be retried). */
public final class CallFailures {

    /** The node (or the path to it) is in trouble; another try, or another replica, may succeed. */
    private static final Set<Status.Code> NODE_TROUBLE = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.INTERNAL,
            Status.Code.UNKNOWN);

    private CallFailures() {
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Counts against the node's breaker: anything but a verdict on the request itself. */
    public static boolean isNodeTrouble(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof CallNotPermittedException) {
            return true;
        }
        return NODE_TROUBLE.contains(Status.fromThrowable(cause).getCode());
    }

    /** The node refused the call for admission (RESOURCE_EXHAUSTED): it is busy, and will take it later. */
    public static boolean isBackpressure(Throwable t) {
        Throwable cause = unwrap(t);
        return !(cause instanceof CallNotPermittedException)
                && Status.fromThrowable(cause).getCode() == Status.Code.RESOURCE_EXHAUSTED;
    }

    /** Worth a retry on the same node: node trouble, except that its breaker is open. */
    public static boolean isRetryable(Throwable t) {
        Throwable cause = unwrap(t);
        return !(cause instanceof CallNotPermittedException) && isNodeTrouble(cause);
    }

    /** The status a failure stands for: an open breaker is UNAVAILABLE. */
    public static Status status(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof CallNotPermittedException) {
            return Status.UNAVAILABLE.withDescription("circuit breaker open");
        }
        return Status.fromThrowable(cause);
    }

    /** "UNAVAILABLE: io exception", for failure reasons shown to clients. */
    public static String describe(Throwable t) {
        Status s = status(t);
        return s.getDescription() == null ? s.getCode().name() : s.getCode() + ": " + s.getDescription();
    }
}
