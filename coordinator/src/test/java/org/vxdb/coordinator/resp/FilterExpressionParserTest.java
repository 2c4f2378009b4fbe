package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.TextFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Redis vector-set FILTER expressions to metadata filters, and the errors with their positions. */
class FilterExpressionParserTest {

    private static String parsed(String expression) {
        return TextFormat.printer().emittingSingleLine(true)
                .printToString(FilterExpressionParser.parse(expression, true)).trim();
    }

    @Test
    void shouldMapComparisonsToRangesAndEquality() {
        assertEquals("range { field: \"year\" min: 1990.0 min_exclusive: true }", parsed(".year > 1990"));
        assertEquals("range { field: \"year\" max: 1990.0 }", parsed("1990 >= .year"));
        assertEquals("eq { field: \"genre\" value { string_value: \"drama\" } }", parsed(".genre == \"drama\""));
        assertEquals("not { eq { field: \"n\" value { double_value: 1.5 } } }", parsed(".n != 1.5"));
        assertEquals("eq { field: \"ok\" value { int_value: 1 } }", parsed(".ok == true"));
        assertEquals("in { field: \"d\" values { string_value: \"a\" } values { int_value: -2 } }",
                parsed(".d in ['a', -2]"));
        assertEquals("it's", FilterExpressionParser.parse(".s == 'it\\'s'", true).getEq().getValue().getStringValue());
    }

    @Test
    void shouldKeepBooleansTypedOutsideVectorSets() {
        assertEquals("eq { field: \"ok\" value { bool_value: true } }", TextFormat.printer().emittingSingleLine(true)
                .printToString(FilterExpressionParser.parse(".ok == true", false)).trim());
    }

    @Test
    void shouldGroupWithPrecedenceAndFlattenChains() {
        assertEquals("or { filters { and { filters { range { field: \"a\" min: 1.0 min_exclusive: true } }"
                + " filters { range { field: \"b\" max: 2.0 max_exclusive: true } } } }"
                + " filters { eq { field: \"c\" value { int_value: 3 } } } }",
                parsed(".a > 1 and .b < 2 || .c == 3"));
        assertEquals("and { filters { range { field: \"a\" min: 1.0 min_exclusive: true } }"
                + " filters { or { filters { eq { field: \"c\" value { int_value: 3 } } }"
                + " filters { eq { field: \"c\" value { int_value: 4 } } } } } }",
                parsed(".a > 1 && (.c == 3 or .c == 4)"));
        assertEquals("and { filters { eq { field: \"a\" value { int_value: 1 } } }"
                + " filters { eq { field: \"b\" value { int_value: 2 } } }"
                + " filters { eq { field: \"c\" value { int_value: 3 } } } }",
                parsed(".a == 1 and .b == 2 and .c == 3"));
        assertEquals("not { not { eq { field: \"a\" value { int_value: 1 } } } }", parsed("!not .a == 1"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                        | 0  | empty expression",
        ".year >                   | 7  | expected a .field or a value",
        ".year = 3                 | 6  | unknown operator '='",
        ".year                     | 5  | a .year alone is not a condition; compare it (e.g. .year == 1)",
        "(.a - 1) > 2              | 4  | arithmetic (+ - * / % **) is not supported",
        ".a > 1 and                | 10 | expected a .field or a value",
        ".a == .b                  | 3  | comparing two fields is not supported",
        "1 == 2                    | 2  | a comparison needs a .field on one side",
        ".a > 'x'                  | 5  | '>' needs a number",
        ".a in []                  | 6  | the list after 'in' is empty",
        "'x' in .tags              | 4  | 'in' needs a .field on the left and a list [..] on the right",
        ".a == null                | 6  | null is not supported",
        ".a == \"open              | 6  | unterminated string",
        "(.a == 1                  | 8  | expected ')'",
        ".a == 1)                  | 7  | expected 'and', 'or' or the end of the expression",
        ".a == yes                 | 6  | unknown word 'yes' (fields start with a dot, strings are quoted)",
        ".a == 1.2.3               | 6  | '1.2.3' is not a number",
        ".a == [1] | 6 | a list can only follow 'in'",
    })
    void shouldRefuseWithThePosition(String expression, int position, String reason) {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FilterExpressionParser.parse(expression, true));
        assertEquals(reason, e.getMessage());
        assertEquals(position, e.position());
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimit() {
        String ok = "(".repeat(63) + ".a == 1" + ")".repeat(63);
        assertEquals("eq { field: \"a\" value { int_value: 1 } }", parsed(ok));
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> FilterExpressionParser.parse("!".repeat(5000) + ".a == 1", true));
        assertEquals("nested deeper than 64 levels", e.getMessage());
        assertEquals(64, e.position());
    }

    @Test
    void shouldQuoteTheNeighbourhoodInTheRedisError() {
        assertEquals("ERR syntax error in FILTER expression at position 7 near '> 3': expected a .field or a value",
                new FilterSyntaxException(7, "expected a .field or a value").toCommandError(".year >> 3").errorText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ".x > -1e3  | range { field: \"x\" min: -1000.0 min_exclusive: true }",
        ".x >= -1e3 | range { field: \"x\" min: -1000.0 }",
        ".x < 2.5   | range { field: \"x\" max: 2.5 max_exclusive: true }",
        ".x <= 0    | range { field: \"x\" max: 0.0 }",
        "-2 < .x    | range { field: \"x\" min: -2.0 min_exclusive: true }",
        "7 != .x    | not { eq { field: \"x\" value { int_value: 7 } } }",
    })
    void shouldMapEveryComparisonOperator(String expression, String filter) {
        assertEquals(filter, parsed(expression));
    }
}
