package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.TextFormat;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.vxdb.api.v1.Vector;
import org.vxdb.storage.filter.Filter;

/**
 * A request's filter as the storage node receives it, translated to the engine's filter and
 * evaluated on rows of metadata. The input is text: a {@code vxdb.v1.Filter} in protobuf text
 * format, then rows, each a {@code vxdb.v1.Vector} in text format, separated by lines of
 * {@code ---}. The translation either builds a filter or refuses the request with an
 * {@link IllegalArgumentException} naming the field at fault (the client's INVALID_ARGUMENT);
 * rows are encoded the way a write stores them or refused the same way; a filter evaluates every
 * stored row to true or false, and its negation to the opposite.
 */
class FilterMappingFuzzTest {

    private static final int MAX_ROWS = 8;

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "filter.dict")
    void filters(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n---\n", MAX_ROWS + 1);
        org.vxdb.api.v1.Filter.Builder wire = org.vxdb.api.v1.Filter.newBuilder();
        try {
            TextFormat.merge(parts[0], wire);
        } catch (TextFormat.ParseException e) {
            return; // not a filter: protobuf's parser, not ours, refused it
        }
        Filter filter;
        try {
            filter = FilterMapping.toFilter(true, wire.build());
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("filter"), "the error names no field: " + e.getMessage());
            return;
        }
        for (int i = 1; i < parts.length; i++) {
            Vector.Builder row = Vector.newBuilder();
            try {
                TextFormat.merge(parts[i], row);
            } catch (TextFormat.ParseException e) {
                continue;
            }
            byte[] encoded;
            try {
                encoded = MetadataMapping.encode(row.getMetadataMap(), "vectors[" + i + "].metadata");
            } catch (IllegalArgumentException e) {
                assertFalse(e.getMessage().isBlank());
                continue;
            }
            MemorySegment stored = MemorySegment.ofArray(encoded);
            boolean matches = filter.matches(stored);
            assertEquals(!matches, new Filter.Not(filter).matches(stored));
        }
    }
}
