package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The client-JSON limits on the JSON arguments of RESP commands (META, SETATTR, WITHMETA rows). */
class MetadataJsonLimitsTest {

    private static String refusal(String json) {
        return assertThrows(CommandException.class, () -> MetadataJson.parseObject(json, "META")).errorText();
    }

    @Test
    void shouldRefuseEachLimitNamingIt() {
        assertEquals("ERR invalid JSON in META: a JSON string longer than 1048576 characters",
                refusal("{\"s\":\"" + "x".repeat((1 << 20) + 1) + "\"}"));
        assertEquals("ERR invalid JSON in META: a JSON field name longer than 1024 characters",
                refusal("{\"" + "x".repeat(1025) + "\":1}"));
        assertEquals("ERR invalid JSON in META: a JSON number longer than 100 characters",
                refusal("{\"n\":" + "7".repeat(101) + "}"));
        assertEquals("ERR invalid JSON in META: JSON nested deeper than 64 levels",
                refusal("{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}"));
    }
}
