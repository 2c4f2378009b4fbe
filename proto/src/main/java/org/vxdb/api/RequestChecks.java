package org.vxdb.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.FilterList;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;

/**
 * Validation of public-API requests that every server does the same way (the storage node and the
 * coordinator), so a client sees the same message whichever it talks to. Every failure is an
 * {@link IllegalArgumentException} whose message names the field, e.g.
 * {@code vectors[1]: has 2 dimensions, collection 'c' has 3}.
 */
public final class RequestChecks {

    /** Largest k a search may ask for. */
    public static final int MAX_K = 10_000;
    /** Most metadata fields of one vector. */
    public static final int MAX_METADATA_FIELDS = 256;
    /** Longest metadata field name, in bytes of UTF-8. */
    public static final int MAX_METADATA_NAME_BYTES = 255;
    /**
     * Largest metadata of one vector, as stored: 2 bytes, then per field 3 bytes, its name, and its
     * value (a string 4 bytes and its UTF-8, an integer or a double 8, a boolean 1).
     */
    public static final int MAX_METADATA_BYTES = 64 * 1024;
    /** Deepest filter: and, or and not each add a level below them. */
    public static final int MAX_FILTER_DEPTH = 32;
    /** Most conditions (eq, in, range, and, or, not) in one filter. */
    public static final int MAX_FILTER_CONDITIONS = 1024;

    private RequestChecks() {
    }

    public static String collection(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        return name;
    }

    public static void batchSize(int n, int max, String field) {
        if (n == 0) {
            throw new IllegalArgumentException(field + ": the batch is empty");
        }
        if (n > max) {
            throw new IllegalArgumentException(field + ": " + n + " in one batch; at most " + max);
        }
    }

    /** The vector's values ({@code values} or {@code raw_values}), checked for dimension and finiteness. */
    public static float[] values(Vector v, int dim, String collection, String at) {
        if (v.getRawValues().isEmpty()) {
            checkDimension(v.getValuesCount(), dim, collection, at);
            float[] out = new float[dim];
            for (int d = 0; d < dim; d++) {
                out[d] = v.getValues(d);
            }
            return checkFinite(out, at);
        }
        float[] out = new float[dim];
        rawFloats(v, dim, collection, at).get(out);
        return checkFinite(out, at);
    }

    /**
     * The vector's values as little-endian float32 bytes, checked as {@link #values}: its own
     * {@code raw_values} (not copied), or its {@code values} encoded once.
     */
    public static ByteString rawValues(Vector v, int dim, String collection, String at) {
        if (v.getRawValues().isEmpty()) {
            return rawBytes(values(v, dim, collection, at));
        }
        FloatBuffer floats = rawFloats(v, dim, collection, at);
        for (int d = 0; d < dim; d++) {
            float x = floats.get(d);
            if (!Float.isFinite(x)) {
                throw notFinite(at, d, x);
            }
        }
        return v.getRawValues();
    }

    /** {@code values} as little-endian float32 bytes, as {@code raw_values} carries them. */
    public static ByteString rawBytes(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return UnsafeByteOperations.unsafeWrap(bytes.array());
    }

    /** Little-endian float32 bytes read as floats (a view: nothing is copied). */
    public static FloatBuffer floats(ByteString raw) {
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static FloatBuffer rawFloats(Vector v, int dim, String collection, String at) {
        if (v.getValuesCount() > 0) {
            throw new IllegalArgumentException(at + ": has both values and raw_values; set one");
        }
        int bytes = v.getRawValues().size();
        if (bytes % Float.BYTES != 0) {
            throw new IllegalArgumentException(at + ": raw_values has " + bytes
                    + " bytes, not a whole number of float32 values");
        }
        checkDimension(bytes / Float.BYTES, dim, collection, at);
        return floats(v.getRawValues());
    }

    private static void checkDimension(int count, int dim, String collection, String at) {
        if (count != dim) {
            throw new IllegalArgumentException(at + ": has " + count + " dimensions, collection '"
                    + collection + "' has " + dim);
        }
    }

    private static float[] checkFinite(float[] values, String at) {
        for (int d = 0; d < values.length; d++) {
            if (!Float.isFinite(values[d])) {
                throw notFinite(at, d, values[d]);
            }
        }
        return values;
    }

    private static IllegalArgumentException notFinite(String at, int d, float x) {
        return new IllegalArgumentException(at + ": component " + d + " is not finite (" + x + ")");
    }

    /**
     * The id of every vector of a batch, in order: its own, or its content id when it has none.
     * Rejects an id that appears twice (which version would win is otherwise undefined).
     */
    public static long[] ids(List<Vector> vectors, List<float[]> values) {
        return ids(vectors, i -> IdHashing.contentId(values.get(i)));
    }

    /** {@link #ids(List, List)} of vectors whose values were checked into {@link #rawValues} bytes. */
    public static long[] idsOfRaw(List<Vector> vectors, List<ByteString> raw) {
        return ids(vectors, i -> {
            float[] v = new float[raw.get(i).size() / Float.BYTES];
            floats(raw.get(i)).get(v);
            return IdHashing.contentId(v);
        });
    }

    private static long[] ids(List<Vector> vectors, IntToLongFunction contentId) {
        long[] ids = new long[vectors.size()];
        Map<Long, Integer> seen = new HashMap<>(vectors.size() * 2);
        for (int i = 0; i < ids.length; i++) {
            Vector v = vectors.get(i);
            ids[i] = v.hasId() ? v.getId() : contentId.applyAsLong(i);
            Integer earlier = seen.putIfAbsent(ids[i], i);
            if (earlier != null) {
                throw new IllegalArgumentException("vectors[" + i + "]: id " + Long.toUnsignedString(ids[i])
                        + " appears twice in the batch (also vectors[" + earlier + "])");
            }
        }
        return ids;
    }

    /**
     * Every value typed and finite; field names non-empty and at most {@link #MAX_METADATA_NAME_BYTES};
     * at most {@link #MAX_METADATA_FIELDS} fields and {@link #MAX_METADATA_BYTES} stored bytes.
     */
    public static void metadata(Map<String, Value> fields, String at) {
        if (fields.size() > MAX_METADATA_FIELDS) {
            throw new IllegalArgumentException(at + ": " + fields.size() + " fields; at most " + MAX_METADATA_FIELDS
                    + " are allowed");
        }
        long bytes = 2;
        for (Map.Entry<String, Value> e : fields.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(at + ": field names must be non-empty");
            }
            int nameBytes = utf8Length(name);
            if (nameBytes > MAX_METADATA_NAME_BYTES) {
                throw new IllegalArgumentException(at + ": field name '" + name.substring(0, 32) + "...' is "
                        + nameBytes + " bytes; at most " + MAX_METADATA_NAME_BYTES);
            }
            Value v = e.getValue();
            value(v, at + "[\"" + name + "\"]");
            bytes += 3 + nameBytes + switch (v.getKindCase()) {
                case STRING_VALUE -> 4L + utf8Length(v.getStringValue());
                case BOOL_VALUE -> 1;
                default -> 8;
            };
        }
        if (bytes > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException(at + ": " + bytes + " bytes stored; at most " + MAX_METADATA_BYTES
                    + " are allowed");
        }
    }

    /**
     * A search filter's size: at most {@link #MAX_FILTER_DEPTH} levels and {@link #MAX_FILTER_CONDITIONS}
     * conditions, so that translating and evaluating it stays cheap. What each condition says is
     * checked where the filter is translated, on the storage nodes.
     */
    public static void filter(Filter filter) {
        new FilterSize().visit(filter, "filter", 1);
    }

    /** Counts a filter's conditions while it walks it, no deeper than the limit. */
    private static final class FilterSize {
        private int conditions;

        void visit(Filter f, String at, int depth) {
            if (depth > MAX_FILTER_DEPTH) {
                throw new IllegalArgumentException(at + ": filter is nested deeper than " + MAX_FILTER_DEPTH
                        + " levels");
            }
            if (++conditions > MAX_FILTER_CONDITIONS) {
                throw new IllegalArgumentException("filter: more than " + MAX_FILTER_CONDITIONS + " conditions");
            }
            switch (f.getKindCase()) {
                case AND -> parts(f.getAnd(), at + ".and", depth);
                case OR -> parts(f.getOr(), at + ".or", depth);
                case NOT -> visit(f.getNot(), at + ".not", depth + 1);
                default -> {
                    // a leaf (eq, in, range) or no kind at all: the translation judges it
                }
            }
        }

        private void parts(FilterList list, String at, int depth) {
            for (int i = 0; i < list.getFiltersCount(); i++) {
                visit(list.getFilters(i), at + ".filters[" + i + "]", depth + 1);
            }
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    public static void value(Value v, String at) {
        switch (v.getKindCase()) {
            case DOUBLE_VALUE -> {
                if (!Double.isFinite(v.getDoubleValue())) {
                    throw new IllegalArgumentException(at + ": number must be finite, got " + v.getDoubleValue());
                }
            }
            case KIND_NOT_SET -> throw new IllegalArgumentException(at + ": value has no type set");
            default -> {
                // strings, integers and booleans are always valid
            }
        }
    }

    /** A query checked against the collection's dimension. */
    public static float[] query(List<Float> values, int dim, String collection) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("query: required");
        }
        if (values.size() != dim) {
            throw new IllegalArgumentException("query: has " + values.size() + " dimensions, collection '"
                    + collection + "' has " + dim);
        }
        float[] q = new float[dim];
        for (int i = 0; i < dim; i++) {
            q[i] = values.get(i);
            if (!Float.isFinite(q[i])) {
                throw new IllegalArgumentException("query: component " + i + " is not finite (" + q[i] + ")");
            }
        }
        return q;
    }

    public static int k(int k) {
        if (k == 0) {
            throw new IllegalArgumentException("k: required (1-" + MAX_K + ")");
        }
        if (k < 0 || k > MAX_K) {
            throw new IllegalArgumentException("k: " + Integer.toUnsignedString(k) + " is invalid: use 1-" + MAX_K);
        }
        return k;
    }

    /**
     * A recall target: 0 (none: the default) or a number in (0, 1]. {@code at} names the field in
     * the error, e.g. {@code params.recall_target}.
     */
    public static double recallTarget(double target, String at) {
        if (!(target >= 0 && target <= 1)) {
            throw new IllegalArgumentException(at + ": " + target + " is invalid: use a recall in (0, 1] (0: none)");
        }
        return target;
    }
}
