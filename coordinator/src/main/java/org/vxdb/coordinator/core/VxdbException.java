package org.vxdb.coordinator.core;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.vxdb.coordinator.client.CallFailures;

/**
 * The one way the coordinator's core API fails. The code says what kind of failure it is, the
 * message says exactly what was wrong (the same text on every protocol); each protocol adapter maps
 * the code to its own form (a gRPC status, an HTTP status, a RESP error, a WebSocket close code).
 */
public final class VxdbException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure; every adapter has one mapping for each. */
    public enum Code {
        /** The request itself is wrong: a field, a dimension, a value. Sending it again fails again. */
        INVALID_ARGUMENT,
        /** The collection (or the thing named) does not exist. */
        NOT_FOUND,
        /** A create-only write or a create met something that exists. */
        ALREADY_EXISTS,
        /** The request is valid but the cluster is not in a state to run it (e.g. a half-created collection). */
        FAILED_PRECONDITION,
        /** Not enough storage nodes answered; sending it again later may succeed. */
        UNAVAILABLE,
        /** A limit was reached (in-flight budget, rate limit); retry with backoff. */
        RESOURCE_EXHAUSTED,
        /** The caller's deadline passed. */
        DEADLINE_EXCEEDED,
        /** No valid credentials. */
        UNAUTHENTICATED,
        /** Valid credentials without the right to do this. */
        PERMISSION_DENIED,
        /** A defect of ours; the message says what. */
        INTERNAL
    }

    private final Code code;

    public VxdbException(Code code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    public static VxdbException invalid(String message) {
        return new VxdbException(Code.INVALID_ARGUMENT, message);
    }

    public static VxdbException notFound(String message) {
        return new VxdbException(Code.NOT_FOUND, message);
    }

    public static VxdbException unavailable(String message) {
        return new VxdbException(Code.UNAVAILABLE, message);
    }

    public static VxdbException exhausted(String message) {
        return new VxdbException(Code.RESOURCE_EXHAUSTED, message);
    }

    /**
     * What any failure below the core stands for: request checks ({@link IllegalArgumentException}),
     * statuses from storage nodes (their description kept word for word), open breakers, timeouts.
     */
    public static VxdbException from(Throwable failure) {
        Throwable cause = CallFailures.unwrap(failure);
        return switch (cause) {
            case VxdbException e -> e;
            case IllegalArgumentException e -> invalid(e.getMessage());
            case CallNotPermittedException e -> unavailable("circuit breaker open");
            case TimeoutException e -> new VxdbException(Code.DEADLINE_EXCEEDED,
                    "the deadline passed before the cluster answered");
            default -> fromStatus(cause);
        };
    }

    private static VxdbException fromStatus(Throwable cause) {
        Status s = Status.fromThrowable(cause);
        String description = s.getDescription();
        if (s.getCode() == Status.Code.UNKNOWN && !(cause instanceof io.grpc.StatusRuntimeException)
                && !(cause instanceof io.grpc.StatusException)) {
            return new VxdbException(Code.INTERNAL, "internal error: " + cause);
        }
        String message = description == null ? s.getCode().name() : description;
        Code code = switch (s.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Code.DEADLINE_EXCEEDED;
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
            case UNAVAILABLE, CANCELLED, ABORTED -> Code.UNAVAILABLE;
            default -> Code.INTERNAL;
        };
        return new VxdbException(code, message);
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
