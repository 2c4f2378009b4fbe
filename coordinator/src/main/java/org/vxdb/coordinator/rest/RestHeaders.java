package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.vxdb.service.grpc.RequestIdInterceptor;

/**
 * What the adapter reads from a request head besides the path: the request id, the deadline
 * ({@code X-Timeout-Ms} or {@code ?timeout_ms=}), the query parameters and the body's media type.
 */
final class RestHeaders {

    static final String REQUEST_ID = "X-Request-Id";
    static final String TIMEOUT = "X-Timeout-Ms";
    static final String TIMEOUT_PARAM = "timeout_ms";
    static final String NDJSON = "application/x-ndjson";
    /** The longest deadline a request may ask for. */
    static final long MAX_TIMEOUT_MILLIS = Duration.ofDays(1).toMillis();


    private RestHeaders() {
    }

    /** The client's request id when it is 1-128 of {@code [A-Za-z0-9._:-]}, else a new UUID. */
    static String requestId(HttpRequest request) {
        String id = request.headers().get(REQUEST_ID);
        return RequestIdInterceptor.saneOrNew(id);
    }

    /** Query parameters, each at most once and each one the route knows. */
    static Map<String, String> query(QueryStringDecoder uri, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : uri.parameters().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw RestError.invalid("query parameter '" + e.getKey() + "' is not known here"
                        + (allowed.isEmpty() ? "" : " (use " + String.join(", ", allowed.stream().sorted().toList())
                        + ")"));
            }
            if (e.getValue().size() != 1) {
                throw RestError.invalid("query parameter '" + e.getKey() + "' is given more than once");
            }
            out.put(e.getKey(), e.getValue().getFirst());
        }
        return out;
    }

    /** The deadline the request asks for, or {@code fallback}. */
    static Duration timeout(HttpRequest request, Map<String, String> query, Duration fallback) {
        String header = request.headers().get(TIMEOUT);
        String param = query.get(TIMEOUT_PARAM);
        if (header != null && param != null) {
            throw RestError.invalid(TIMEOUT + " and ?" + TIMEOUT_PARAM + " are both given; use one");
        }
        if (header != null) {
            return millis(header, TIMEOUT);
        }
        return param == null ? fallback : millis(param, TIMEOUT_PARAM);
    }

    private static Duration millis(String text, String name) {
        String t = text.trim();
        if (!t.matches("[0-9]{1,12}") || Long.parseLong(t) > MAX_TIMEOUT_MILLIS) {
            throw RestError.invalid(name + ": '" + text + "' is invalid: use milliseconds, 0-" + MAX_TIMEOUT_MILLIS);
        }
        return Duration.ofMillis(Long.parseLong(t));
    }

    /** Refuses (415) a body whose Content-Type is not {@code expected}; parameters such as charset=utf-8 are fine. */
    static void requireContentType(HttpRequest request, String expected) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String mediaType = type == null ? null : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!expected.equals(mediaType)) {
            throw new RestError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                    "Content-Type " + (type == null ? "is missing" : "'" + type + "' is not supported")
                            + ": send " + expected);
        }
        String charset = type.contains(";") ? type.substring(type.indexOf(';') + 1).trim().toLowerCase(Locale.ROOT)
                : "";
        if (!charset.isEmpty() && !charset.replace(" ", "").equals("charset=utf-8")) {
            throw new RestError(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                    "Content-Type '" + type + "' is not supported: the body must be UTF-8 (" + expected + ")");
        }
    }
}
