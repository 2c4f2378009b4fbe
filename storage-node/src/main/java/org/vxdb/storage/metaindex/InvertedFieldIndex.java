package org.vxdb.storage.metaindex;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.MetadataCodec.MetadataReader;
import org.vxdb.storage.meta.MetadataValue;

/**
 * Distinct value to row bitmap. Keys keep the stored type (String, Long, Double, Boolean), so
 * {@code eq} reproduces the filter's typed comparison exactly: an integer filter value also finds
 * doubles of the same value, and the other way round.
 */
final class InvertedFieldIndex implements FieldIndex {

    /** Per-key overhead besides the bitmap: map entry, boxed key. */
    private static final int KEY_OVERHEAD_BYTES = 64;

    private final MetadataIndexSpec spec;
    private final Map<Object, RoaringBitmap> postings;

    InvertedFieldIndex(MetadataIndexSpec spec) {
        this(spec, new HashMap<>());
    }

    private InvertedFieldIndex(MetadataIndexSpec spec, Map<Object, RoaringBitmap> postings) {
        this.spec = spec;
        this.postings = postings;
    }

    @Override
    public MetadataIndexSpec spec() {
        return spec;
    }

    @Override
    public void add(int row, MetadataReader field) {
        Object key = keyOf(field);
        if (key != null) {
            postings.computeIfAbsent(key, x -> new RoaringBitmap()).add(row);
        }
    }

    /** The key of the value under the reader; null for NaN, which no condition matches. */
    static Object keyOf(MetadataReader r) {
        return switch (r.tag()) {
            case MetadataValue.TAG_STRING -> r.value() instanceof MetadataValue.Str s ? s.value() : null;
            case MetadataValue.TAG_LONG -> r.longValue();
            case MetadataValue.TAG_BOOL -> r.boolValue();
            default -> doubleKey(r.doubleValue());
        };
    }

    /** -0.0 and 0.0 compare equal in filters, so they share a key; NaN has none. */
    private static Double doubleKey(double d) {
        if (Double.isNaN(d)) {
            return null;
        }
        return d == 0.0 ? 0.0 : d;
    }

    @Override
    public void freeze() {
        for (RoaringBitmap b : postings.values()) {
            b.runOptimize();
        }
    }

    @Override
    public RoaringBitmap eq(MetadataValue value) {
        List<Object> keys = keysFor(value);
        if (keys == null) {
            return null;
        }
        List<RoaringBitmap> found = new ArrayList<>(2);
        for (Object k : keys) {
            RoaringBitmap b = postings.get(k);
            if (b != null) {
                found.add(b);
            }
        }
        return switch (found.size()) {
            case 0 -> new RoaringBitmap();
            case 1 -> found.getFirst();
            default -> FastAggregation.or(found.iterator());
        };
    }

    @Override
    public long countEq(MetadataValue value) {
        List<Object> keys = keysFor(value);
        if (keys == null) {
            return -1;
        }
        long n = 0;
        for (Object k : keys) {
            RoaringBitmap b = postings.get(k);
            n += b == null ? 0 : b.getLongCardinality();
        }
        return n;
    }

    /** The keys whose rows equal {@code value} under the filter's rules; null when they cannot be listed. */
    private static List<Object> keysFor(MetadataValue value) {
        return switch (value) {
            case MetadataValue.Str s -> List.of(s.value());
            case MetadataValue.Bool b -> List.of(b.value());
            case MetadataValue.Int i -> List.of(i.value(), (double) i.value());
            case MetadataValue.Real r -> {
                double d = r.value();
                Double key = doubleKey(d);
                if (d != Math.rint(d)) {
                    yield List.of(key);
                }
                if (Math.abs(d) <= EXACT_DOUBLE_INTEGER) {
                    yield List.of(key, (long) d);
                }
                yield null; // several longs round to this double: scan instead
            }
        };
    }

    @Override
    public RoaringBitmap range(Filter.Range range) {
        List<RoaringBitmap> inside = new ArrayList<>();
        for (Map.Entry<Object, RoaringBitmap> e : postings.entrySet()) {
            if (numericIn(e.getKey(), range)) {
                inside.add(e.getValue());
            }
        }
        return inside.isEmpty() ? new RoaringBitmap() : FastAggregation.or(inside.iterator());
    }

    @Override
    public long countRange(Filter.Range range) {
        long n = 0;
        for (Map.Entry<Object, RoaringBitmap> e : postings.entrySet()) {
            if (numericIn(e.getKey(), range)) {
                n += e.getValue().getLongCardinality();
            }
        }
        return n;
    }

    private static boolean numericIn(Object key, Filter.Range range) {
        return switch (key) {
            case Long l -> range.contains((double) l);
            case Double d -> range.contains(d);
            default -> false;
        };
    }

    /** Distinct values indexed. */
    int distinctValues() {
        return postings.size();
    }

    @Override
    public long bytes() {
        long n = 0;
        for (Map.Entry<Object, RoaringBitmap> e : postings.entrySet()) {
            n += KEY_OVERHEAD_BYTES + e.getValue().getLongSizeInBytes();
            if (e.getKey() instanceof String s) {
                n += 2L * s.length();
            }
        }
        return n;
    }

    @Override
    public long payloadBytes() {
        long n = Integer.BYTES;
        for (Map.Entry<Object, RoaringBitmap> e : postings.entrySet()) {
            n += 1 + keyBytes(e.getKey()) + Integer.BYTES + e.getValue().serializedSizeInBytes();
        }
        return n;
    }

    private static long keyBytes(Object key) {
        return switch (key) {
            case String s -> Integer.BYTES + (long) s.getBytes(StandardCharsets.UTF_8).length;
            case Boolean b -> 1;
            default -> Long.BYTES;
        };
    }

    @Override
    public void writePayload(ByteBuffer out) {
        out.putInt(postings.size());
        for (Map.Entry<Object, RoaringBitmap> e : postings.entrySet()) {
            switch (e.getKey()) {
                case String s -> {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    out.put(MetadataValue.TAG_STRING).putInt(b.length).put(b);
                }
                case Long l -> out.put(MetadataValue.TAG_LONG).putLong(l);
                case Double d -> out.put(MetadataValue.TAG_DOUBLE).putDouble(d);
                case Boolean b -> out.put(MetadataValue.TAG_BOOL).put((byte) (b ? 1 : 0));
                default -> throw new IllegalStateException("unexpected key " + e.getKey());
            }
            RoaringBitmap bitmap = e.getValue();
            out.putInt(bitmap.serializedSizeInBytes());
            bitmap.serialize(out);
        }
    }

    /** Reads what {@link #writePayload} wrote; rows must lie in {@code [0, rows)}. */
    static InvertedFieldIndex read(MetadataIndexSpec spec, ByteBuffer in, long rows) {
        int distinct = in.getInt();
        if (distinct < 0 || distinct > rows) {
            throw new IllegalArgumentException("field '" + spec.field() + "' lists " + distinct
                    + " values for " + rows + " rows");
        }
        Map<Object, RoaringBitmap> postings = new HashMap<>(Math.max(16, distinct * 2));
        for (int i = 0; i < distinct; i++) {
            byte tag = in.get();
            Object key = switch (tag) {
                case MetadataValue.TAG_STRING -> {
                    byte[] b = new byte[checkedLength(in.getInt(), in)];
                    in.get(b);
                    yield new String(b, StandardCharsets.UTF_8);
                }
                case MetadataValue.TAG_LONG -> in.getLong();
                case MetadataValue.TAG_DOUBLE -> in.getDouble();
                case MetadataValue.TAG_BOOL -> in.get() != 0;
                default -> throw new IllegalArgumentException("field '" + spec.field() + "' has unknown value tag "
                        + tag);
            };
            int length = checkedLength(in.getInt(), in);
            ByteBuffer slice = in.slice(in.position(), length).order(in.order());
            RoaringBitmap bitmap = new RoaringBitmap();
            try {
                bitmap.deserialize(slice);
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("field '" + spec.field() + "': bitmap of value " + key
                        + " is malformed (" + e.getMessage() + ")", e);
            }
            in.position(in.position() + length);
            if (!bitmap.isEmpty() && Integer.toUnsignedLong(bitmap.last()) >= rows) {
                throw new IllegalArgumentException("field '" + spec.field() + "': row " + bitmap.last()
                        + " is beyond the segment's " + rows + " rows");
            }
            if (postings.put(key, bitmap) != null) {
                throw new IllegalArgumentException("field '" + spec.field() + "' lists value " + key + " twice");
            }
        }
        return new InvertedFieldIndex(spec, postings);
    }

    private static int checkedLength(int length, ByteBuffer in) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("length " + Integer.toUnsignedString(length) + " runs past the end");
        }
        return length;
    }
}
