package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A response before it meets the connection: status, media type, body and any headers of its own.
 * The connection adds what every response has ({@code X-Request-Id}, {@code Content-Length},
 * {@code Connection}).
 */
record RestResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";

    static RestResponse json(HttpResponseStatus status, JsonNode body) {
        return new RestResponse(status, JSON, RestJson.write(body), Map.of());
    }

    static RestResponse ok(JsonNode body) {
        return json(HttpResponseStatus.OK, body);
    }

    static RestResponse noContent() {
        return new RestResponse(HttpResponseStatus.NO_CONTENT, null, new byte[0], Map.of());
    }

    /** The one error body shape: {@code {"error":{"code","message","request_id"}}}. */
    static RestResponse error(RestError e, String requestId) {
        var error = RestJson.object();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("request_id", requestId);
        e.details().forEach(error::put);
        var body = RestJson.object();
        body.set("error", error);
        return new RestResponse(e.status(), JSON, RestJson.write(body), e.headers());
    }

    RestResponse withHeader(String name, String value) {
        var h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new RestResponse(status, contentType, body, Map.copyOf(h));
    }
}
