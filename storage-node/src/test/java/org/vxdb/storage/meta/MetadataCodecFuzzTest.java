package org.vxdb.storage.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Timeout;
import org.vxdb.storage.filter.Filter;

/**
 * Stored metadata bytes as the codec reads them back (from the WAL, the buffer, a segment): any
 * bytes decode or are refused with {@code malformed metadata: ...}; what decodes encodes back to
 * the same bytes when it was written in the codec's own order, and to metadata equal to it in any
 * case; filters read the bytes in place the same way, refusing the same inputs.
 */
class MetadataCodecFuzzTest {

    @FuzzTest
    @Timeout(30)
    void blocks(byte[] input) {
        Metadata decoded;
        try {
            decoded = MetadataCodec.decode(input);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("malformed metadata: "), e.getMessage());
            return;
        }
        byte[] again;
        try {
            again = MetadataCodec.encode(decoded);
        } catch (IllegalArgumentException e) {
            // decoded but over the limits writes keep to (e.g. a name over 255 bytes): never stored
            assertTrue(e.getMessage().startsWith("metadata "), e.getMessage());
            return;
        }
        assertEquals(decoded, MetadataCodec.decode(again));
        if (!java.util.Arrays.equals(input, again)) {
            return; // not in the codec's own form (order, duplicate names, invalid UTF-8): decoded, never written
        }
        MemorySegment stored = MemorySegment.ofArray(input);
        decoded.fields().forEach((field, value) -> assertTrue(Filter.eq(field, value).matches(stored),
                field + " = " + value));
        assertFalse(Filter.eq("\u0000absent", 1L).matches(stored));
    }
}
