package org.vxdb.storage.meta;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.vxdb.api.RequestChecks;

/**
 * Compact binary form of {@link Metadata}, stored in the WAL, the memory buffer and segments.
 * Little-endian: u16 field count, then per field (in name order) u16 name length, UTF-8 name,
 * u8 type tag, value (int64 | float64 | u8 boolean | u32 length + UTF-8). Empty metadata encodes to
 * zero bytes. Filters read this form in place ({@link MetadataReader}) without building objects.
 */
public final class MetadataCodec {

    /** Largest encoded metadata of one vector: the API's limit, which requests are checked against first. */
    public static final int MAX_ENCODED_BYTES = RequestChecks.MAX_METADATA_BYTES;
    public static final int MAX_FIELDS = RequestChecks.MAX_METADATA_FIELDS;
    public static final int MAX_NAME_BYTES = RequestChecks.MAX_METADATA_NAME_BYTES;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private MetadataCodec() {
    }

    public static byte[] encode(Metadata metadata) {
        if (metadata.isEmpty()) {
            return new byte[0];
        }
        if (metadata.fields().size() > MAX_FIELDS) {
            throw new IllegalArgumentException("metadata has " + metadata.fields().size() + " fields; at most "
                    + MAX_FIELDS + " are allowed");
        }
        int size = 2;
        for (Map.Entry<String, MetadataValue> e : metadata.fields().entrySet()) {
            int name = e.getKey().getBytes(StandardCharsets.UTF_8).length;
            if (name > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("metadata field name '" + e.getKey().substring(0, 32)
                        + "...' is " + name + " bytes; at most " + MAX_NAME_BYTES);
            }
            size += 2 + name + 1 + valueSize(e.getValue());
            if (size > MAX_ENCODED_BYTES) {
                throw oversized();
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putShort((short) metadata.fields().size());
        for (Map.Entry<String, MetadataValue> e : metadata.fields().entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            buf.putShort((short) name.length).put(name).put(e.getValue().tag());
            switch (e.getValue()) {
                case MetadataValue.Str s -> {
                    byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
                    buf.putInt(b.length).put(b);
                }
                case MetadataValue.Int i -> buf.putLong(i.value());
                case MetadataValue.Real r -> buf.putDouble(r.value());
                case MetadataValue.Bool b -> buf.put((byte) (b.value() ? 1 : 0));
            }
        }
        return buf.array();
    }

    private static IllegalArgumentException oversized() {
        return new IllegalArgumentException("metadata encodes to more than " + MAX_ENCODED_BYTES + " bytes");
    }

    private static int valueSize(MetadataValue v) {
        return switch (v) {
            case MetadataValue.Str s -> {
                long n = 4L + s.value().getBytes(StandardCharsets.UTF_8).length;
                if (n > MAX_ENCODED_BYTES) {
                    throw oversized();
                }
                yield (int) n;
            }
            case MetadataValue.Int i -> 8;
            case MetadataValue.Real r -> 8;
            case MetadataValue.Bool b -> 1;
        };
    }

    /** Decodes what {@link #encode} wrote; throws IllegalArgumentException on malformed input. */
    public static Metadata decode(MemorySegment encoded) {
        if (encoded.byteSize() == 0) {
            return Metadata.EMPTY;
        }
        TreeMap<String, MetadataValue> fields = new TreeMap<>();
        MetadataReader r = new MetadataReader(encoded);
        while (r.next()) {
            fields.put(r.name(), r.value());
        }
        return new Metadata(fields);
    }

    public static Metadata decode(byte[] encoded) {
        return decode(MemorySegment.ofArray(encoded));
    }

    /**
     * Walks the fields of an encoded metadata block in place. {@link #nameEquals} compares a field
     * name without decoding it, so filters evaluate without allocating.
     */
    public static final class MetadataReader {
        private final MemorySegment seg;
        private int remaining;
        private long pos;
        private long nameOffset;
        private int nameLength;
        private byte tag;
        private long valueOffset;

        public MetadataReader(MemorySegment encoded) {
            this.seg = encoded;
            if (encoded.byteSize() == 0) {
                remaining = 0;
            } else {
                check(2);
                remaining = Short.toUnsignedInt(encoded.get(U16, 0));
                pos = 2;
            }
        }

        /** Advances to the next field; false at the end. */
        public boolean next() {
            if (remaining == 0) {
                return false;
            }
            remaining--;
            check(pos + 2);
            nameLength = Short.toUnsignedInt(seg.get(U16, pos));
            if (nameLength == 0) {
                throw new IllegalArgumentException("malformed metadata: empty field name at byte " + pos);
            }
            nameOffset = pos + 2;
            check(nameOffset + nameLength + 1);
            tag = seg.get(ValueLayout.JAVA_BYTE, nameOffset + nameLength);
            valueOffset = nameOffset + nameLength + 1;
            long size = switch (tag) {
                case MetadataValue.TAG_LONG, MetadataValue.TAG_DOUBLE -> 8;
                case MetadataValue.TAG_BOOL -> 1;
                case MetadataValue.TAG_STRING -> {
                    check(valueOffset + 4);
                    yield 4L + Integer.toUnsignedLong(seg.get(I32, valueOffset));
                }
                default -> throw new IllegalArgumentException("malformed metadata: unknown type tag " + tag
                        + " at byte " + (valueOffset - 1));
            };
            check(valueOffset + size);
            pos = valueOffset + size;
            return true;
        }

        public boolean nameEquals(byte[] name) {
            if (name.length != nameLength) {
                return false;
            }
            return MemorySegment.mismatch(seg, nameOffset, nameOffset + nameLength, MemorySegment.ofArray(name), 0,
                    name.length) == -1;
        }

        public String name() {
            byte[] b = new byte[nameLength];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, nameOffset, b, 0, nameLength);
            return new String(b, StandardCharsets.UTF_8);
        }

        public byte tag() {
            return tag;
        }

        public long longValue() {
            return seg.get(I64, valueOffset);
        }

        public double doubleValue() {
            return seg.get(F64, valueOffset);
        }

        public boolean boolValue() {
            return seg.get(ValueLayout.JAVA_BYTE, valueOffset) != 0;
        }

        /** Numeric value of a long or double field, NaN otherwise. */
        public double numeric() {
            return switch (tag) {
                case MetadataValue.TAG_LONG -> longValue();
                case MetadataValue.TAG_DOUBLE -> doubleValue();
                default -> Double.NaN;
            };
        }

        /** Compares a string field's UTF-8 bytes with {@code utf8}. */
        public boolean stringEquals(byte[] utf8) {
            if (tag != MetadataValue.TAG_STRING) {
                return false;
            }
            int len = seg.get(I32, valueOffset);
            return len == utf8.length && MemorySegment.mismatch(seg, valueOffset + 4, valueOffset + 4 + len,
                    MemorySegment.ofArray(utf8), 0, utf8.length) == -1;
        }

        public MetadataValue value() {
            return switch (tag) {
                case MetadataValue.TAG_LONG -> new MetadataValue.Int(longValue());
                case MetadataValue.TAG_DOUBLE -> {
                    double d = doubleValue();
                    if (!Double.isFinite(d)) {
                        throw new IllegalArgumentException("malformed metadata: number " + d + " at byte "
                                + valueOffset + " is not finite");
                    }
                    yield new MetadataValue.Real(d);
                }
                case MetadataValue.TAG_BOOL -> new MetadataValue.Bool(boolValue());
                default -> {
                    int len = seg.get(I32, valueOffset);
                    byte[] b = new byte[len];
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, valueOffset + 4, b, 0, len);
                    yield new MetadataValue.Str(new String(b, StandardCharsets.UTF_8));
                }
            };
        }

        private void check(long end) {
            if (end > seg.byteSize()) {
                throw new IllegalArgumentException("malformed metadata: field runs past the end ("
                        + end + " > " + seg.byteSize() + " bytes)");
            }
        }
    }
}
