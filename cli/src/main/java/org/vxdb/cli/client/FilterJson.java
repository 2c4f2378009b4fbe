package org.vxdb.cli.client;

import java.util.Map;
import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.FieldIn;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.FilterList;
import org.vxdb.api.v1.Value;
import org.vxdb.cli.CliException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A search filter written as in the REST API (docs/api-rest.md): {@code {"eq":{"field":"lang","value":"en"}}},
 * {@code in} with {@code values}, {@code range} with {@code min}/{@code max} (and
 * {@code min_exclusive}/{@code max_exclusive}), {@code and}/{@code or} lists and {@code not}.
 */
public final class FilterJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FilterJson() {
    }

    public static Filter parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new CliException("--filter is not JSON: " + e.getOriginalMessage());
        }
        return filter(root, "--filter");
    }

    private static Filter filter(JsonNode node, String at) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new CliException(at + " must be an object with one of eq, in, range, and, or, not");
        }
        Map.Entry<String, JsonNode> e = node.properties().iterator().next();
        JsonNode body = e.getValue();
        String here = at + "." + e.getKey();
        return switch (e.getKey()) {
            case "eq" -> Filter.newBuilder().setEq(FieldEquals.newBuilder().setField(field(body, here))
                    .setValue(value(body.get("value"), here + ".value"))).build();
            case "in" -> {
                JsonNode values = body.get("values");
                if (values == null || !values.isArray() || values.isEmpty()) {
                    throw new CliException(here + ".values must be a non-empty array");
                }
                FieldIn.Builder in = FieldIn.newBuilder().setField(field(body, here));
                for (JsonNode v : values) {
                    in.addValues(value(v, here + ".values"));
                }
                yield Filter.newBuilder().setIn(in).build();
            }
            case "range" -> {
                FieldRange.Builder r = FieldRange.newBuilder().setField(field(body, here));
                if (body.has("min")) {
                    r.setMin(number(body.get("min"), here + ".min"));
                }
                if (body.has("max")) {
                    r.setMax(number(body.get("max"), here + ".max"));
                }
                r.setMinExclusive(body.path("min_exclusive").asBoolean(false));
                r.setMaxExclusive(body.path("max_exclusive").asBoolean(false));
                yield Filter.newBuilder().setRange(r).build();
            }
            case "and", "or" -> {
                if (!body.isArray() || body.isEmpty()) {
                    throw new CliException(here + " must be a non-empty array of filters");
                }
                FilterList.Builder list = FilterList.newBuilder();
                for (JsonNode f : body) {
                    list.addFilters(filter(f, here));
                }
                yield e.getKey().equals("and") ? Filter.newBuilder().setAnd(list).build()
                        : Filter.newBuilder().setOr(list).build();
            }
            case "not" -> Filter.newBuilder().setNot(filter(body, here)).build();
            default -> throw new CliException(at + ": unknown filter '" + e.getKey()
                    + "' (use eq, in, range, and, or, not)");
        };
    }

    private static String field(JsonNode body, String at) {
        JsonNode f = body == null ? null : body.get("field");
        if (f == null || !f.isString()) {
            throw new CliException(at + ".field must be a string");
        }
        return f.stringValue();
    }

    private static double number(JsonNode n, String at) {
        if (!n.isNumber()) {
            throw new CliException(at + " must be a number");
        }
        return n.asDouble();
    }

    /** A JSON scalar as a typed metadata value. */
    public static Value value(JsonNode v, String at) {
        if (v == null || v.isNull() || v.isContainer()) {
            throw new CliException(at + " must be a string, number or boolean");
        }
        if (v.isString()) {
            return Value.newBuilder().setStringValue(v.stringValue()).build();
        }
        if (v.isBoolean()) {
            return Value.newBuilder().setBoolValue(v.asBoolean()).build();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return Value.newBuilder().setIntValue(v.asLong()).build();
        }
        return Value.newBuilder().setDoubleValue(v.asDouble()).build();
    }
}
