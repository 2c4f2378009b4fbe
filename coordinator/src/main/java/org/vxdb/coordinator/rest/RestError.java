package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.vxdb.coordinator.core.VxdbException;

/**
 * One failed HTTP exchange as the client sees it: the status, the error code of the body, the
 * message (a core message word for word, or the adapter's own for protocol errors such as a
 * malformed body), headers the status needs ({@code Allow}, {@code Retry-After}) and, for the
 * NDJSON stream, where in the stream it failed.
 */
final class RestError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String code;
    private final Map<String, String> headers;
    private final Map<String, Long> details;

    RestError(HttpResponseStatus status, String code, String message) {
        this(status, code, message, Map.of(), Map.of());
    }

    private RestError(HttpResponseStatus status, String code, String message, Map<String, String> headers,
                      Map<String, Long> details) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
        this.details = details;
    }

    HttpResponseStatus status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Response headers this error needs besides the ones every response has. */
    Map<String, String> headers() {
        return headers;
    }

    /** Extra numeric fields of the error body (the stream's {@code line} and {@code lines_written}). */
    Map<String, Long> details() {
        return details;
    }

    RestError withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new RestError(status, code, getMessage(), Map.copyOf(h), details);
    }

    RestError withMessage(String message) {
        return new RestError(status, code, message, headers, details);
    }

    RestError withDetail(String name, long value) {
        Map<String, Long> d = new LinkedHashMap<>(details);
        d.put(name, value);
        return new RestError(status, code, getMessage(), headers, d);
    }

    static RestError invalid(String message) {
        return new RestError(HttpResponseStatus.BAD_REQUEST, VxdbException.Code.INVALID_ARGUMENT.name(), message);
    }

    static RestError tooLarge(String message) {
        return new RestError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "PAYLOAD_TOO_LARGE", message);
    }

    @Override
    public String toString() {
        return status.code() + " " + code + ": " + getMessage();
    }
}
