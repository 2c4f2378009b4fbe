package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.vxdb.coordinator.core.VxdbException;
import tools.jackson.databind.JsonNode;

/**
 * The one mapping from core error codes to HTTP statuses, for every code (the curl tests meet the
 * ones a test cluster can produce; authentication and internal failures cannot be produced yet).
 */
class HttpErrorsTest {

    @ParameterizedTest
    @CsvSource({
        "INVALID_ARGUMENT, 400, ",
        "UNAUTHENTICATED, 401, ",
        "PERMISSION_DENIED, 403, ",
        "NOT_FOUND, 404, ",
        "ALREADY_EXISTS, 409, ",
        "FAILED_PRECONDITION, 409, ",
        "RESOURCE_EXHAUSTED, 429, 1",
        "UNAVAILABLE, 503, 1",
        "DEADLINE_EXCEEDED, 504, ",
        "INTERNAL, 500, ",
    })
    void shouldMapEveryCoreCodeToOneStatus(VxdbException.Code code, int status, String retryAfter) {
        RestError e = HttpErrors.from(new CompletionException(new VxdbException(code, "the core's words")));
        assertEquals(status, e.status().code());
        assertEquals(code.name(), e.code());
        assertEquals("the core's words", e.getMessage());
        assertEquals(retryAfter, e.headers().get("Retry-After"));
        JsonNode body = RestAssertions.json(new String(RestResponse.error(e, "rid-1").body(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(RestAssertions.json("{\"error\":{\"code\":\"" + code.name() + "\",\"message\":\"the core's words\","
                + "\"request_id\":\"rid-1\"}}"), body);
    }

    @Test
    void shouldAnswer500ForAFailureThatIsNoneOfOurs() {
        RestError e = HttpErrors.from(new IllegalStateException("boom"));
        assertEquals(500, e.status().code());
        assertEquals("INTERNAL", e.code());
        assertEquals("internal error: java.lang.IllegalStateException: boom", e.getMessage());
        assertNull(e.headers().get("Retry-After"));
    }
}
