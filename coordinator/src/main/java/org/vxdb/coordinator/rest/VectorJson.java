package org.vxdb.coordinator.rest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Vectors and metadata between JSON and the API's messages. Ids go out as decimal strings (a
 * JavaScript number loses digits above 2^53) and come in as numbers or strings. Metadata values map
 * by their JSON type: string, integer (int64), other number (double), boolean; anything else is an
 * error naming the field.
 */
final class VectorJson {

    private static final Set<String> VECTOR_FIELDS = Set.of("id", "values", "values_f32", "metadata");

    private VectorJson() {
    }

    /**
     * One vector of a write.
     *
     * @param at    its path ("vectors[3]"; "" for an NDJSON line, whose fields are named alone)
     * @param label what errors about the vector object itself call it
     */
    static Vector vector(JsonNode node, String at, String label) {
        JsonFields f = JsonFields.of(node, at, label, VECTOR_FIELDS);
        Vector.Builder v = Vector.newBuilder();
        JsonNode id = f.get("id");
        if (id != null) {
            v.setId(JsonFields.uint64(id, f.at("id")));
        }
        float[] packed = f.float32s("values_f32");
        if (packed != null) {
            if (f.has("values")) {
                throw RestError.invalid(label + ": give values or values_f32, not both");
            }
            for (float x : packed) {
                v.addValues(x);
            }
        }
        List<JsonNode> values = f.array("values");
        for (int i = 0; i < values.size(); i++) {
            JsonNode x = values.get(i);
            // The path of a value is only built for an error: a batch has 10^5 and more of them.
            v.addValues(x.isNumber() ? (float) x.doubleValue()
                    : JsonFields.number(x, f.at("values") + "[" + i + "]"));
        }
        JsonNode metadata = f.get("metadata");
        if (metadata != null) {
            v.putAllMetadata(metadata(metadata, f.at("metadata")));
        }
        return v.build();
    }

    static Map<String, Value> metadata(JsonNode node, String at) {
        if (!node.isObject()) {
            throw RestError.invalid(at + ": expected an object of fields, got " + JsonFields.kind(node));
        }
        Map<String, Value> fields = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            fields.put(e.getKey(), value(e.getValue(), at + "[\"" + e.getKey() + "\"]"));
        }
        return fields;
    }

    /** A metadata value (also the value of a filter). */
    static Value value(JsonNode v, String at) {
        if (v.isString()) {
            return Value.newBuilder().setStringValue(v.stringValue()).build();
        } else if (v.isBoolean()) {
            return Value.newBuilder().setBoolValue(v.booleanValue()).build();
        } else if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw RestError.invalid(at + ": " + JsonFields.shown(v) + " is outside the 64-bit integer range");
            }
            return Value.newBuilder().setIntValue(v.longValue()).build();
        } else if (v.isNumber()) {
            return Value.newBuilder().setDoubleValue(v.numberValue().doubleValue()).build();
        }
        throw RestError.invalid(at + ": " + JsonFields.kind(v)
                + " is not a metadata value (use a string, a number or true/false)");
    }

    static String id(long id) {
        return Long.toUnsignedString(id);
    }

    static ObjectNode metadataNode(Map<String, Value> metadata) {
        ObjectNode out = RestJson.object();
        metadata.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Value v = e.getValue();
            switch (v.getKindCase()) {
                case STRING_VALUE -> out.put(e.getKey(), v.getStringValue());
                case INT_VALUE -> out.put(e.getKey(), v.getIntValue());
                case DOUBLE_VALUE -> out.put(e.getKey(), v.getDoubleValue());
                case BOOL_VALUE -> out.put(e.getKey(), v.getBoolValue());
                case KIND_NOT_SET -> out.putNull(e.getKey());
            }
        });
        return out;
    }

    static tools.jackson.databind.node.ArrayNode valuesNode(List<Float> values) {
        var out = RestJson.array();
        values.forEach(out::add);
        return out;
    }
}
