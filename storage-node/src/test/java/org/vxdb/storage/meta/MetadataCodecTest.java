package org.vxdb.storage.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

    @Test
    void shouldRoundTripEveryType() {
        Metadata m = Metadata.of("title", "héllo wörld", "year", 2024L, "score", 0.25, "public", true, "empty", "");
        assertEquals(m, MetadataCodec.decode(MetadataCodec.encode(m)));
    }

    @Test
    void shouldEncodeEmptyMetadataAsNoBytes() {
        assertEquals(0, MetadataCodec.encode(Metadata.EMPTY).length);
        assertEquals(Metadata.EMPTY, MetadataCodec.decode(new byte[0]));
    }

    @Test
    void shouldRejectOversizedMetadata() {
        char[] big = new char[70_000];
        Arrays.fill(big, 'x');
        assertEquals("metadata encodes to more than 65536 bytes", assertThrows(IllegalArgumentException.class,
                () -> MetadataCodec.encode(Metadata.of("blob", new String(big)))).getMessage());
        Map<String, MetadataValue> many = new TreeMap<>();
        for (int i = 0; i < 257; i++) {
            many.put("f" + i, MetadataValue.of(i));
        }
        assertEquals("metadata has 257 fields; at most 256 are allowed", assertThrows(IllegalArgumentException.class,
                () -> MetadataCodec.encode(new Metadata(many))).getMessage());
    }

    @Test
    void shouldRefuseStoredBytesThatNoWriteProduces() {
        byte[] emptyName = {1, 0, 0, 0, MetadataValue.TAG_BOOL, 1};
        assertEquals("malformed metadata: empty field name at byte 2", assertThrows(IllegalArgumentException.class,
                () -> MetadataCodec.decode(emptyName)).getMessage());
        byte[] nan = {1, 0, 1, 0, 'r', MetadataValue.TAG_DOUBLE, 0, 0, 0, 0, 0, 0, (byte) 0xf8, 0x7f};
        assertEquals("malformed metadata: number NaN at byte 6 is not finite", assertThrows(
                IllegalArgumentException.class, () -> MetadataCodec.decode(nan)).getMessage());
    }

    @Test
    void shouldRejectBadValues() {
        assertEquals("metadata number must be finite, got NaN", assertThrows(IllegalArgumentException.class,
                () -> Metadata.of("x", Double.NaN)).getMessage());
        assertEquals("unsupported metadata value type Object: use string, long, double or boolean",
                assertThrows(IllegalArgumentException.class, () -> Metadata.of("x", new Object())).getMessage());
        assertEquals("metadata field names must be non-empty", assertThrows(IllegalArgumentException.class,
                () -> Metadata.of("", 1)).getMessage());
    }

    @Test
    void shouldRejectMalformedBytes() {
        byte[] good = MetadataCodec.encode(Metadata.of("name", "abc"));
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        assertEquals("malformed metadata: field runs past the end (" + good.length + " > " + cut.length + " bytes)",
                assertThrows(IllegalArgumentException.class, () -> MetadataCodec.decode(cut)).getMessage());
        byte[] badTag = good.clone();
        badTag[2 + 2 + 4] = 99;
        assertEquals("malformed metadata: unknown type tag 99 at byte 8",
                assertThrows(IllegalArgumentException.class, () -> MetadataCodec.decode(badTag)).getMessage());
    }
}
