package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inline command lines split the way Redis splits them. */
class InlineCommandSplitterTest {

    private static List<String> split(String line) {
        return InlineCommandSplitter.split(line).stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void shouldSplitWordsAndQuotedStrings() {
        assertEquals(List.of(), split("   "));
        assertEquals(List.of("SET", "a b", "c'd", ""), split("  SET \"a b\"\t'c\\'d' \"\""));
        assertEquals(List.of("x\ny\t\u0007", "\u00ff\u0001", "q\"z"),
                split("\"x\\ny\\t\\a\" \"\\xff\\x01\" \"q\\\"z\""));
        assertEquals(List.of("\u00c3\u00a9"), split("é"));
    }

    @Test
    void shouldRefuseUnbalancedQuotesLikeRedis() {
        assertEquals("Protocol error: unbalanced quotes in request",
                assertThrows(RespProtocolException.class, () -> split("ECHO \"abc")).getMessage());
        assertEquals("Protocol error: unbalanced quotes in request",
                assertThrows(RespProtocolException.class, () -> split("ECHO 'a'b")).getMessage());
        assertEquals("Protocol error: unbalanced quotes in request",
                assertThrows(RespProtocolException.class, () -> split("ECHO \"a\"b")).getMessage());
    }
}
