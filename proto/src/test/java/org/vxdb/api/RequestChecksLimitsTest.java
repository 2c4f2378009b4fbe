package org.vxdb.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.FilterList;
import org.vxdb.api.v1.Value;

/** The metadata and filter limits every server checks the same way, with their exact messages. */
class RequestChecksLimitsTest {

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static String refusal(Map<String, Value> fields) {
        return assertThrows(IllegalArgumentException.class, () -> RequestChecks.metadata(fields, "vectors[2].metadata"))
                .getMessage();
    }

    @Test
    void shouldRefuseMoreThan256MetadataFields() {
        Map<String, Value> fields = new LinkedHashMap<>();
        for (int i = 0; i < 257; i++) {
            fields.put("f" + i, Value.newBuilder().setBoolValue(true).build());
        }
        assertEquals("vectors[2].metadata: 257 fields; at most 256 are allowed", refusal(fields));
        fields.remove("f0");
        assertDoesNotThrow(() -> RequestChecks.metadata(fields, "m"));
    }

    @Test
    void shouldRefuseAFieldNameOver255BytesOfUtf8() {
        String name = "é".repeat(128); // 256 bytes
        assertEquals("vectors[2].metadata: field name '" + "é".repeat(32) + "...' is 256 bytes; at most 255",
                refusal(Map.of(name, text("x"))));
        assertDoesNotThrow(() -> RequestChecks.metadata(Map.of("a".repeat(255), text("x")), "m"));
    }

    @Test
    void shouldRefuseMetadataStoredInMoreThan64KiB() {
        // 2 + (3 + 1 + 4 + 65526) = 65536 bytes: exactly the limit
        assertDoesNotThrow(() -> RequestChecks.metadata(Map.of("s", text("x".repeat(65_526))), "m"));
        assertEquals("vectors[2].metadata: 65537 bytes stored; at most 65536 are allowed",
                refusal(Map.of("s", text("x".repeat(65_527)))));
    }

    @Test
    void shouldStillNameAnEmptyFieldNameAndANonFiniteValue() {
        assertEquals("vectors[2].metadata: field names must be non-empty", refusal(Map.of("", text("x"))));
        assertEquals("vectors[2].metadata[\"r\"]: number must be finite, got NaN",
                refusal(Map.of("r", Value.newBuilder().setDoubleValue(Double.NaN).build())));
    }

    private static Filter eq() {
        return Filter.newBuilder().setEq(FieldEquals.newBuilder().setField("a").setValue(text("b"))).build();
    }

    @Test
    void shouldRefuseAFilterNestedDeeperThan32Levels() {
        Filter f = eq();
        for (int i = 1; i < 32; i++) {
            f = Filter.newBuilder().setNot(f).build();
        }
        Filter deepest = f;
        assertDoesNotThrow(() -> RequestChecks.filter(deepest));
        Filter tooDeep = Filter.newBuilder().setAnd(FilterList.newBuilder().addFilters(deepest)).build();
        assertEquals("filter.and.filters[0]" + ".not".repeat(31) + ": filter is nested deeper than 32 levels",
                assertThrows(IllegalArgumentException.class, () -> RequestChecks.filter(tooDeep)).getMessage());
    }

    @Test
    void shouldRefuseAFilterWithMoreThan1024Conditions() {
        FilterList.Builder or = FilterList.newBuilder();
        for (int i = 0; i < 1023; i++) {
            or.addFilters(eq());
        }
        assertDoesNotThrow(() -> RequestChecks.filter(Filter.newBuilder().setOr(or).build()));
        or.addFilters(eq());
        assertEquals("filter: more than 1024 conditions", assertThrows(IllegalArgumentException.class,
                () -> RequestChecks.filter(Filter.newBuilder().setOr(or).build())).getMessage());
    }
}
