package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The client-JSON limits on REST bodies and NDJSON lines: each refused as a 400 naming the limit. */
class RestJsonLimitsTest {

    private static RestError refusal(String json) {
        return assertThrows(RestError.class, () -> RestJson.read(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "request body"));
    }

    @Test
    void shouldRefuseAStringLongerThanOneMebiCharacter() {
        RestError e = refusal("{\"vector_f32\":\"" + "A".repeat((1 << 20) + 1) + "\"}");
        assertEquals(400, e.status().code());
        assertEquals("request body: a JSON string longer than 1048576 characters", e.getMessage());
    }

    @Test
    void shouldRefuseAFieldNameLongerThan1024Characters() {
        assertEquals("request body: a JSON field name longer than 1024 characters",
                refusal("{\"" + "n".repeat(1025) + "\":1}").getMessage());
    }

    @Test
    void shouldRefuseANumberLongerThan100Characters() {
        assertEquals("request body: a JSON number longer than 100 characters",
                refusal("{\"k\":" + "1".repeat(101) + "}").getMessage());
    }

    @Test
    void shouldRefuseNestingDeeperThan64Levels() {
        assertEquals("request body: JSON nested deeper than 64 levels",
                refusal("[".repeat(65) + "]".repeat(65)).getMessage());
    }

    @Test
    void shouldNameTheLineOfAnNdjsonLineOverALimit() {
        RestError e = assertThrows(RestError.class, () -> RestJson.readLine(new ByteArrayInputStream(
                ("{\"id\":" + "9".repeat(101) + "}").getBytes(StandardCharsets.UTF_8)), "line 3"));
        assertEquals("line 3: a JSON number longer than 100 characters", e.getMessage());
    }

    @Test
    void shouldReadValuesRightAtTheLimits() {
        String json = "{\"" + "n".repeat(1024) + "\":\"" + "s".repeat(1 << 20) + "\",\"k\":" + "1".repeat(100) + "}";
        assertEquals(2, RestJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "body")
                .size());
    }
}
