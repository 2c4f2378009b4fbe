package org.vxdb.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Every value typed and finite; field names non-empty. */
    public static void metadata(Map<String, Value> fields, String at) {
        for (Map.Entry<String, Value> e : fields.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException(at + ": field names must be non-empty");
            }
            value(e.getValue(), at + "[\"" + e.getKey() + "\"]");
        }
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
}
