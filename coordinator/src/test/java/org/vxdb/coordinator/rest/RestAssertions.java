package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Assertions on REST answers: exact statuses, error codes and messages, the request id. */
final class RestAssertions {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private RestAssertions() {
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** The status and the one error body shape, with the request id of the X-Request-Id header. */
    static JsonNode assertError(Curl.Answer a, int status, String code, String message) {
        assertEquals(status, a.status(), () -> "status; body: " + a.body());
        assertEquals("application/json", a.header("content-type"));
        JsonNode body = json(a.body());
        assertEquals(1, body.size(), () -> "only \"error\" at the top: " + a.body());
        JsonNode error = body.get("error");
        assertNotNull(error, a.body());
        assertEquals(code, error.get("code").stringValue(), a.body());
        assertEquals(message, error.get("message").stringValue(), a.body());
        assertEquals(a.header("x-request-id"), error.get("request_id").stringValue());
        return error;
    }

    /** Status 200 (or {@code status}) and a body equal to {@code expectedJson} as JSON. */
    static JsonNode assertJson(Curl.Answer a, int status, String expectedJson) {
        assertEquals(status, a.status(), () -> "status; body: " + a.body());
        assertEquals(json(expectedJson), json(a.body()), a.body());
        return json(a.body());
    }
}
