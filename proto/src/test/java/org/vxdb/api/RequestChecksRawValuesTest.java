package org.vxdb.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.api.v1.Vector;

/** A vector's values as raw little-endian float32 bytes: read as {@code values} are, with the same checks. */
class RequestChecksRawValuesTest {

    private static ByteString le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return ByteString.copyFrom(b.array());
    }

    private static Vector raw(float... values) {
        return Vector.newBuilder().setRawValues(le(values)).build();
    }

    private static String refusal(Vector v) {
        return assertThrows(IllegalArgumentException.class, () -> RequestChecks.values(v, 3, "c", "vectors[1]"))
                .getMessage();
    }

    @Test
    void shouldReadRawValuesAsTheSameVectorAsValues() {
        Vector plain = Vector.newBuilder().addValues(1.5f).addValues(-2f).addValues(0f).build();
        float[] expected = {1.5f, -2f, 0f};
        assertArrayEquals(expected, RequestChecks.values(plain, 3, "c", "v"));
        assertArrayEquals(expected, RequestChecks.values(raw(expected), 3, "c", "v"));
        // Both give the same bytes for a node, and raw bytes are passed on without a copy.
        assertEquals(le(expected), RequestChecks.rawValues(plain, 3, "c", "v"));
        Vector given = raw(expected);
        assertSame(given.getRawValues(), RequestChecks.rawValues(given, 3, "c", "v"));
    }

    @Test
    void shouldGiveAVectorWithoutAnIdTheSameContentIdEitherWay() {
        float[] v = {0.25f, -0f, 7f};
        Vector plain = Vector.newBuilder().addValues(0.25f).addValues(-0f).addValues(7f).build();
        long[] fromValues = RequestChecks.ids(List.of(plain), List.of(RequestChecks.values(plain, 3, "c", "v")));
        long[] fromRaw = RequestChecks.idsOfRaw(List.of(raw(v)), List.of(le(v)));
        assertEquals(IdHashing.contentId(v), fromValues[0]);
        assertArrayEquals(fromValues, fromRaw);
    }

    @Test
    void shouldRefuseRawValuesOfTheWrongSizeOrNotFinite() {
        assertEquals("vectors[1]: has 2 dimensions, collection 'c' has 3", refusal(raw(1f, 2f)));
        assertEquals("vectors[1]: raw_values has 7 bytes, not a whole number of float32 values",
                refusal(Vector.newBuilder().setRawValues(ByteString.copyFrom(new byte[7])).build()));
        assertEquals("vectors[1]: component 2 is not finite (NaN)", refusal(raw(1f, 2f, Float.NaN)));
        assertEquals("vectors[1]: component 0 is not finite (Infinity)",
                assertThrows(IllegalArgumentException.class, () -> RequestChecks.rawValues(
                        raw(Float.POSITIVE_INFINITY, 1f, 1f), 3, "c", "vectors[1]")).getMessage());
        assertEquals("vectors[1]: has both values and raw_values; set one",
                refusal(raw(1f, 2f, 3f).toBuilder().addValues(1f).build()));
    }

    @Test
    void shouldStillRefuseAVectorWithNeither() {
        assertEquals("vectors[1]: has 0 dimensions, collection 'c' has 3", refusal(Vector.getDefaultInstance()));
    }
}
