package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.core.VxdbException;

/**
 * The one mapping from the core's error codes to HTTP statuses (docs/api-rest.md has the table).
 * The message is passed on word for word; a code that asks the client to come back later carries
 * {@code Retry-After}.
 */
final class HttpErrors {

    /** Seconds a client should wait after 429 or 503 (the rate limit's own refusal says its period). */
    static final int RETRY_AFTER_SECONDS = 1;

    private HttpErrors() {
    }

    /** Any failure as the error the client gets. */
    static RestError from(Throwable failure) {
        Throwable cause = CallFailures.unwrap(failure);
        if (cause instanceof RestError e) {
            return e;
        }
        VxdbException e = VxdbException.from(cause);
        RestError error = new RestError(status(e.code()), e.code().name(), e.getMessage());
        return switch (e.code()) {
            case RESOURCE_EXHAUSTED, UNAVAILABLE -> error.withHeader("Retry-After",
                    Integer.toString(RETRY_AFTER_SECONDS));
            default -> error;
        };
    }

    static HttpResponseStatus status(VxdbException.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT -> HttpResponseStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
            case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case ALREADY_EXISTS, FAILED_PRECONDITION -> HttpResponseStatus.CONFLICT;
            case RESOURCE_EXHAUSTED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
