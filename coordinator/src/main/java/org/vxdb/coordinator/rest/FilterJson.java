package org.vxdb.coordinator.rest;

import java.util.List;
import java.util.Set;
import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.FieldIn;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.FilterList;
import tools.jackson.databind.JsonNode;

/**
 * The JSON form of {@code vxdb.v1.Filter}: an object with exactly one of {@code eq}, {@code in},
 * {@code range}, {@code and}, {@code or}, {@code not}. Only the shape is checked here; what a
 * filter may contain (depth, number of conditions, empty lists) is the core's to judge.
 */
final class FilterJson {

    private static final Set<String> KINDS = Set.of("eq", "in", "range", "and", "or", "not");
    private static final Set<String> EQ_FIELDS = Set.of("field", "value");
    private static final Set<String> IN_FIELDS = Set.of("field", "values");
    private static final Set<String> RANGE_FIELDS = Set.of("field", "min", "max", "min_exclusive", "max_exclusive");

    private FilterJson() {
    }

    static Filter filter(JsonNode node, String at) {
        JsonFields f = JsonFields.of(node, at, KINDS);
        if (node.size() != 1) {
            throw RestError.invalid(at + ": expected exactly one of and, eq, in, not, or, range; got "
                    + (node.isEmpty() ? "none" : String.join(", ", node.propertyNames())));
        }
        String kind = node.propertyNames().iterator().next();
        JsonNode body = f.get(kind);
        String path = f.at(kind);
        return switch (kind) {
            case "eq" -> Filter.newBuilder().setEq(eq(body, path)).build();
            case "in" -> Filter.newBuilder().setIn(in(body, path)).build();
            case "range" -> Filter.newBuilder().setRange(range(body, path)).build();
            case "and" -> Filter.newBuilder().setAnd(list(body, path)).build();
            case "or" -> Filter.newBuilder().setOr(list(body, path)).build();
            default -> Filter.newBuilder().setNot(filter(body, path)).build();
        };
    }

    private static FieldEquals eq(JsonNode node, String at) {
        JsonFields f = JsonFields.of(node, at, EQ_FIELDS);
        FieldEquals.Builder eq = FieldEquals.newBuilder().setField(f.string("field", ""));
        JsonNode value = f.get("value");
        if (value != null) {
            eq.setValue(VectorJson.value(value, f.at("value")));
        }
        return eq.build();
    }

    private static FieldIn in(JsonNode node, String at) {
        JsonFields f = JsonFields.of(node, at, IN_FIELDS);
        FieldIn.Builder in = FieldIn.newBuilder().setField(f.string("field", ""));
        List<JsonNode> values = f.array("values");
        for (int i = 0; i < values.size(); i++) {
            in.addValues(VectorJson.value(values.get(i), f.at("values") + "[" + i + "]"));
        }
        return in.build();
    }

    private static FieldRange range(JsonNode node, String at) {
        JsonFields f = JsonFields.of(node, at, RANGE_FIELDS);
        FieldRange.Builder range = FieldRange.newBuilder().setField(f.string("field", ""))
                .setMinExclusive(f.bool("min_exclusive")).setMaxExclusive(f.bool("max_exclusive"));
        if (f.get("min") != null) {
            range.setMin(bound(f.get("min"), f.at("min")));
        }
        if (f.get("max") != null) {
            range.setMax(bound(f.get("max"), f.at("max")));
        }
        return range.build();
    }

    private static double bound(JsonNode v, String at) {
        if (!v.isNumber()) {
            throw RestError.invalid(at + ": expected a number, got " + JsonFields.kind(v));
        }
        return v.numberValue().doubleValue();
    }

    private static FilterList list(JsonNode node, String at) {
        if (!node.isArray()) {
            throw RestError.invalid(at + ": expected an array of filters, got " + JsonFields.kind(node));
        }
        FilterList.Builder list = FilterList.newBuilder();
        for (int i = 0; i < node.size(); i++) {
            list.addFilters(filter(node.get(i), at + "[" + i + "]"));
        }
        return list.build();
    }
}
