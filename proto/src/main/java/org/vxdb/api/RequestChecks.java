package org.vxdb.api;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The vector's values, checked for dimension and finiteness. */
    public static float[] values(Vector v, int dim, String collection, String at) {
        if (v.getValuesCount() != dim) {
            throw new IllegalArgumentException(at + ": has " + v.getValuesCount() + " dimensions, collection '"
                    + collection + "' has " + dim);
        }
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            float x = v.getValues(d);
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException(at + ": component " + d + " is not finite (" + x + ")");
            }
            out[d] = x;
        }
        return out;
    }

    /**
     * The id of every vector of a batch, in order: its own, or its content id when it has none.
     * Rejects an id that appears twice (which version would win is otherwise undefined).
     */
    public static long[] ids(List<Vector> vectors, List<float[]> values) {
        long[] ids = new long[vectors.size()];
        Map<Long, Integer> seen = new HashMap<>(vectors.size() * 2);
        for (int i = 0; i < ids.length; i++) {
            Vector v = vectors.get(i);
            ids[i] = v.hasId() ? v.getId() : IdHashing.contentId(values.get(i));
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
