package org.vxdb.coordinator.resp;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vxdb.api.v1.Value;
import org.vxdb.coordinator.net.JsonLimits;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON objects to and from typed metadata. The client-JSON limits ({@link JsonLimits}: nesting
 * depth, string, name and number lengths) bound what a client can make us parse.
 */
final class MetadataJson {

    /** Deepest nesting of a JSON argument (SETATTR attributes may nest; the rest are flat objects). */
    static final int MAX_DEPTH = 64;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(JsonLimits.constraints(MAX_DEPTH)).build()).build();

    private MetadataJson() {
    }

    /** Parses a JSON object, or fails with {@code ERR invalid JSON in <what>: <reason>}. */
    static ObjectNode parseObject(String json, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (StreamConstraintsException e) {
            throw CommandException.err("invalid JSON in " + what + ": " + JsonLimits.describe(e, MAX_DEPTH));
        } catch (JacksonException e) {
            throw CommandException.err("invalid JSON in " + what + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw CommandException.err("invalid JSON in " + what + ": expected an object");
        }
        return (ObjectNode) node;
    }

    /**
     * The scalar fields of a JSON object as metadata (VECTOR.* META): strings, integers, other
     * numbers, booleans. Anything else is an error naming the field.
     */
    static Map<String, Value> toMetadata(ObjectNode object, String what) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            Value v = scalar(e.getValue(), false);
            if (v == null) {
                throw CommandException.err(what + " field '" + e.getKey()
                        + "': values must be strings, numbers or booleans");
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * A JSON scalar as a metadata value, or null for null, arrays and objects. With
     * {@code booleansAsNumbers} true and false become 1 and 0, as vector-set FILTER expressions see them.
     */
    static Value scalar(JsonNode node, boolean booleansAsNumbers) {
        if (node.isString()) {
            return Value.newBuilder().setStringValue(node.stringValue()).build();
        }
        if (node.isBoolean()) {
            return booleansAsNumbers ? Value.newBuilder().setIntValue(node.booleanValue() ? 1 : 0).build()
                    : Value.newBuilder().setBoolValue(node.booleanValue()).build();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Value.newBuilder().setIntValue(node.longValue()).build();
        }
        if (node.isNumber()) {
            return Value.newBuilder().setDoubleValue(node.doubleValue()).build();
        }
        return null;
    }

    /** Metadata fields as a JSON object text, in the order given. */
    static String toJson(Map<String, Value> fields) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        fields.forEach((k, v) -> {
            switch (v.getKindCase()) {
                case STRING_VALUE -> object.put(k, v.getStringValue());
                case INT_VALUE -> object.put(k, v.getIntValue());
                case DOUBLE_VALUE -> object.put(k, v.getDoubleValue());
                case BOOL_VALUE -> object.put(k, v.getBoolValue());
                case KIND_NOT_SET -> object.putNull(k);
            }
        });
        return JSON.writeValueAsString(object);
    }

    /** A metadata value as a reply: bulk string, integer, double or boolean. */
    static Reply reply(Value v) {
        return switch (v.getKindCase()) {
            case STRING_VALUE -> Reply.bulk(v.getStringValue());
            case INT_VALUE -> Reply.integer(v.getIntValue());
            case DOUBLE_VALUE -> Reply.dbl(v.getDoubleValue());
            case BOOL_VALUE -> Reply.bool(v.getBoolValue());
            case KIND_NOT_SET -> Reply.NULL;
        };
    }

    /** Metadata as a map reply, by field name. */
    static Reply reply(Map<String, Value> fields) {
        Reply.MapBuilder map = Reply.map();
        new java.util.TreeMap<>(fields).forEach((k, v) -> map.put(k, reply(v)));
        return map.build();
    }
}
