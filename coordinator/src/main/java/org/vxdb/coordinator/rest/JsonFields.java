package org.vxdb.coordinator.rest;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A JSON object being decoded: typed access to its fields, each error naming the field by its
 * path from the body ({@code vectors[0].id}, {@code filter.and[1].eq.field}). Unknown fields and
 * {@code null} values are errors (a misspelt option should not be silently ignored).
 */
final class JsonFields {

    static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final int SHOWN_CHARS = 40;

    private final JsonNode object;
    private final String path;

    private JsonFields(JsonNode object, String path) {
        this.object = object;
        this.path = path;
    }

    /**
     * @param path    where the object is ("" for the request body itself)
     * @param allowed the fields it may have
     */
    static JsonFields of(JsonNode node, String path, Set<String> allowed) {
        return of(node, path, path.isEmpty() ? "request body" : path, allowed);
    }

    /** @param label what the object is called in errors about the object itself */
    static JsonFields of(JsonNode node, String path, String label, Set<String> allowed) {
        if (node == null) {
            throw RestError.invalid(label + ": required (a JSON object)");
        }
        if (!node.isObject()) {
            throw RestError.invalid(label + ": expected a JSON object, got " + kind(node));
        }
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                throw RestError.invalid(label + ": unknown field '" + name + "' (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return new JsonFields(node, path);
    }

    /** The path of {@code field} in this object. */
    String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    boolean has(String field) {
        return object.has(field);
    }

    /** The field's value, or null when absent; an explicit null is an error. */
    JsonNode get(String field) {
        JsonNode v = object.get(field);
        if (v != null && v.isNull()) {
            throw RestError.invalid(at(field) + ": null is not allowed (leave the field out instead)");
        }
        return v;
    }

    String string(String field, String absent) {
        JsonNode v = get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isString()) {
            throw RestError.invalid(at(field) + ": expected a string, got " + kind(v));
        }
        return v.stringValue();
    }

    boolean bool(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw RestError.invalid(at(field) + ": expected true or false, got " + kind(v));
        }
        return v.booleanValue();
    }

    /** An unsigned 32-bit integer as an int with the same bits; 0 when absent. */
    int uint32(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0
                || v.bigIntegerValue().compareTo(BigInteger.valueOf(UINT32_MAX)) > 0) {
            throw RestError.invalid(at(field) + ": " + shown(v) + " is not an integer 0-" + UINT32_MAX);
        }
        return (int) v.longValue();
    }

    /** A JSON number as a double; 0 when absent. The range is the core's to check. */
    double decimal(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return 0;
        }
        if (!v.isNumber()) {
            throw RestError.invalid(at(field) + ": expected a number, got " + kind(v));
        }
        return v.doubleValue();
    }

    /** An unsigned 64-bit integer (a JSON number or a decimal string) as a long with the same bits; 0 when absent. */
    long uint64(String field) {
        JsonNode v = get(field);
        return v == null ? 0 : uint64(v, at(field));
    }

    /**
     * Float32 values given as base64 (standard alphabet, padding optional) of their little-endian
     * bytes: the compact form of a vector, which costs the client and the server a fraction of what
     * decimal numbers do. Null when the field is absent.
     */
    float[] float32s(String field) {
        String text = string(field, null);
        if (text == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw RestError.invalid(at(field) + ": not base64 (" + e.getMessage() + ")");
        }
        if (bytes.length % Float.BYTES != 0) {
            throw RestError.invalid(at(field) + ": " + bytes.length + " bytes is not a whole number of float32"
                    + " values (4 bytes each, little-endian)");
        }
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** The field's array, or an empty list when absent. */
    List<JsonNode> array(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw RestError.invalid(at(field) + ": expected an array, got " + kind(v));
        }
        List<JsonNode> items = new ArrayList<>(v.size());
        v.forEach(items::add);
        return items;
    }

    /**
     * An unsigned 64-bit integer: a JSON integer 0 to 2^64-1 (every digit kept) or the same as a
     * decimal string, as a long with the same bits.
     */
    static long uint64(JsonNode v, String at) {
        BigInteger n = null;
        if (v.isIntegralNumber()) {
            n = v.bigIntegerValue();
        } else if (v.isString() && v.stringValue().matches("[0-9]{1,20}")) {
            n = new BigInteger(v.stringValue());
        }
        if (n == null || n.signum() < 0 || n.compareTo(UINT64_MAX) > 0) {
            throw RestError.invalid(at + ": " + shown(v) + " is not an unsigned 64-bit integer (0 to " + UINT64_MAX
                    + ", as a JSON number or a decimal string)");
        }
        return n.longValue();
    }

    /** A float from a JSON number. */
    static float number(JsonNode v, String at) {
        if (!v.isNumber()) {
            throw RestError.invalid(at + ": expected a number, got " + kind(v));
        }
        return (float) v.doubleValue();
    }

    /** How a value appears in a message: its JSON text, cut short when long. */
    static String shown(JsonNode v) {
        String text = v.toString();
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...";
    }

    /** "a string", "an array", ... for "expected X, got Y". */
    static String kind(JsonNode v) {
        if (v.isString()) {
            return "a string";
        } else if (v.isNumber()) {
            return "a number";
        } else if (v.isBoolean()) {
            return v.booleanValue() ? "true" : "false";
        } else if (v.isArray()) {
            return "an array";
        } else if (v.isObject()) {
            return "an object";
        }
        return "null";
    }
}
