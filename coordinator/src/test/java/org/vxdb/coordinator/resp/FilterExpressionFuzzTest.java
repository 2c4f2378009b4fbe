package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.testing.FuzzCluster;
import org.vxdb.coordinator.testing.WarningLog;

/**
 * The VSIM / VECTOR.SEARCH FILTER language, from text to rows: the parser either builds a filter
 * or refuses with a position inside the text and a reason (and the Redis error built from it);
 * a filter it builds is then translated and evaluated by a real storage node in a search over
 * rows with metadata, which answers with hits or refuses it as an invalid argument, never with an
 * internal error.
 */
class FilterExpressionFuzzTest {

    @RegisterExtension
    static final FuzzCluster CLUSTER = new FuzzCluster();

    private static WarningLog warnings;

    @BeforeAll
    static void watch() {
        warnings = WarningLog.attach();
    }

    @AfterAll
    static void stop() {
        warnings.close();
    }

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "resp.dict")
    void expressions(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        for (boolean booleansAsNumbers : new boolean[] {true, false}) {
            Filter filter;
            try {
                filter = FilterExpressionParser.parse(text, booleansAsNumbers);
            } catch (FilterSyntaxException e) {
                assertTrue(e.position() >= 0 && e.position() <= text.length(),
                        "position " + e.position() + " outside the expression");
                assertFalse(e.getMessage().isBlank());
                String error = e.toCommandError(text).errorText();
                assertTrue(error.startsWith("ERR syntax error in FILTER expression at position " + e.position()),
                        error);
                continue;
            }
            search(filter);
        }
        assertEquals(List.of(), warnings.drain(), "warnings logged for " + text);
    }

    private static void search(Filter filter) throws Exception {
        SearchRequest request = SearchRequest.newBuilder().setCollection(FuzzCluster.VECTORS).addQuery(1)
                .addQuery(0).addQuery(0).setK(10).setIncludeMetadata(true).setFilter(filter).build();
        try {
            CLUSTER.core().search(FuzzCluster.context(), request).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            VxdbException failure = VxdbException.from(e.getCause());
            assertNotEquals(VxdbException.Code.INTERNAL, failure.code(), failure.getMessage());
            assertEquals(VxdbException.Code.INVALID_ARGUMENT, failure.code(), failure.getMessage());
        }
    }
}
