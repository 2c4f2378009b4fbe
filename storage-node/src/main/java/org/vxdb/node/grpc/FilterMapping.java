package org.vxdb.node.grpc;

import java.util.ArrayList;
import java.util.List;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.FilterList;
import org.vxdb.api.v1.Value;
import org.vxdb.storage.filter.Filter;

/** A wire filter to an engine {@link Filter}; every error names its path, e.g. {@code filter.and[1].range.field}. */
final class FilterMapping {

    /** Deeper trees are rejected before recursion could exhaust a request thread's stack. */
    static final int MAX_DEPTH = RequestChecks.MAX_FILTER_DEPTH;
    static final int MAX_NODES = RequestChecks.MAX_FILTER_CONDITIONS;

    private int nodes;

    private FilterMapping() {
    }

    /** Null when the request has no filter. */
    static Filter toFilter(boolean present, org.vxdb.api.v1.Filter filter) {
        if (!present) {
            return null;
        }
        return new FilterMapping().convert(filter, "filter", 1);
    }

    private Filter convert(org.vxdb.api.v1.Filter f, String at, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(at + ": filter is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (++nodes > MAX_NODES) {
            throw new IllegalArgumentException("filter: more than " + MAX_NODES + " conditions");
        }
        return switch (f.getKindCase()) {
            case EQ -> Filter.eq(field(f.getEq().getField(), at + ".eq"),
                    MetadataMapping.toValue(f.getEq().getValue(), at + ".eq.value"));
            case IN -> in(f.getIn(), at + ".in");
            case RANGE -> range(f.getRange(), at + ".range");
            case AND -> new Filter.And(parts(f.getAnd(), at + ".and", depth));
            case OR -> new Filter.Or(parts(f.getOr(), at + ".or", depth));
            case NOT -> new Filter.Not(convert(f.getNot(), at + ".not", depth + 1));
            case KIND_NOT_SET -> throw new IllegalArgumentException(at + ": no condition set (eq, in, range, and, or, not)");
        };
    }

    private static String field(String name, String at) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(at + ".field: required");
        }
        return name;
    }

    private Filter in(org.vxdb.api.v1.FieldIn in, String at) {
        String field = field(in.getField(), at);
        if (in.getValuesCount() == 0) {
            throw new IllegalArgumentException(at + ".values: at least one value is required");
        }
        Object[] values = new Object[in.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            Value v = in.getValues(i);
            values[i] = MetadataMapping.toValue(v, at + ".values[" + i + "]");
        }
        return Filter.in(field, values);
    }

    private static Filter range(FieldRange r, String at) {
        String field = field(r.getField(), at);
        if (!r.hasMin() && !r.hasMax()) {
            throw new IllegalArgumentException(at + ": needs min, max or both");
        }
        Double min = r.hasMin() ? bound(r.getMin(), at + ".min") : null;
        Double max = r.hasMax() ? bound(r.getMax(), at + ".max") : null;
        return Filter.range(field, min, !r.getMinExclusive(), max, !r.getMaxExclusive());
    }

    private static double bound(double v, String at) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException(at + ": NaN is not a bound");
        }
        return v;
    }

    private List<Filter> parts(FilterList list, String at, int depth) {
        if (list.getFiltersCount() == 0) {
            throw new IllegalArgumentException(at + ".filters: at least one filter is required");
        }
        List<Filter> out = new ArrayList<>(list.getFiltersCount());
        for (int i = 0; i < list.getFiltersCount(); i++) {
            out.add(convert(list.getFilters(i), at + ".filters[" + i + "]", depth + 1));
        }
        return out;
    }
}
