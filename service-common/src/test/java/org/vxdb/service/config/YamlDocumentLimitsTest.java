package org.vxdb.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bounds on what one YAML document may cost to read, each refused with its own message. */
class YamlDocumentLimitsTest {

    private static String refusal(String yaml) {
        return assertThrows(ConfigException.class, () -> YamlDocument.read(yaml)).getMessage();
    }

    @Test
    void shouldRefuseADocumentLongerThanTheLimitBeforeParsingIt() {
        String yaml = "a: " + "x".repeat(YamlDocument.MAX_CHARS);
        assertEquals("the document is " + yaml.length() + " characters long; at most 1048576 are read", refusal(yaml));
    }

    @Test
    void shouldRefuseNestingDeeperThan32Levels() {
        assertEquals("line 1, column 33: nested deeper than 32 levels", refusal("[".repeat(33) + "]".repeat(33)));
        assertTrue(YamlDocument.read("[".repeat(32) + "]".repeat(32)).isArray());
    }

    @Test
    void shouldRefuseAScalarLongerThan64KiB() {
        String message = refusal("a: " + "x".repeat(YamlDocument.MAX_SCALAR_CHARS + 1));
        assertEquals("line 1, column 4: a value or key longer than 65536 characters", message);
    }

    @Test
    void shouldRefuseAnAliasNamingItAndWhereItIs() {
        assertEquals("line 3, column 7: aliases (*b) are not supported; write the value out",
                refusal("base: &b\n  listen: 127.0.0.1:1\ngrpc: *b\n"));
    }

    @Test
    void shouldRefuseTheBillionLaughsAtItsFirstAlias() {
        String laughs = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                """;
        assertEquals("line 2, column 8: aliases (*a) are not supported; write the value out", refusal(laughs));
    }

    @Test
    void shouldReadAnAnchorThatNoAliasUses() {
        assertEquals("127.0.0.1:1", YamlDocument.read("grpc: &g\n  listen: 127.0.0.1:1\n").get("grpc").get("listen")
                .stringValue());
    }

    @Test
    void shouldRefuseASecondDocumentAndAFieldGivenTwice() {
        assertEquals("line 3, column 1: only one YAML document is allowed", refusal("a: 1\n---\nb: 2\n"));
        assertEquals("grpc.listen: given twice (again at line 3)",
                refusal("grpc:\n  listen: a:1\n  listen: b:2\n"));
    }

    @Test
    void shouldReadAnEmojiWhereverItFallsInTheDocument() {
        // snakeyaml-engine reads 1024 characters at a time; an emoji is two chars (a surrogate pair)
        for (int at = 1015; at <= 1030; at++) {
            String yaml = "# " + "x".repeat(at - 2) + "\uD83D\uDE00\nnode_id: n\n";
            assertEquals("n", YamlDocument.read(yaml).get("node_id").stringValue(), "emoji at " + at);
        }
    }

    @Test
    void shouldReadAnEmptyDocumentAsAMissingNode() {
        assertTrue(YamlDocument.read("").isMissingNode());
        assertTrue(YamlDocument.read("# only a comment\n").isMissingNode());
    }
}
