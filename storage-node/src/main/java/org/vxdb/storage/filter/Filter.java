package org.vxdb.storage.filter;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.meta.MetadataCodec.MetadataReader;
import org.vxdb.storage.meta.MetadataValue;

/**
 * A predicate over a vector's metadata, evaluated on the encoded bytes in place (no decoding, no
 * allocation per row). A field that is missing never matches a comparison, so {@code not(eq(...))}
 * matches rows without the field. Numbers compare by value: {@code eq("n", 5)} matches 5 and 5.0.
 */
public sealed interface Filter {

    boolean matches(MemorySegment encodedMetadata);

    default boolean matches(Metadata metadata) {
        return matches(MemorySegment.ofArray(MetadataCodec.encode(metadata)));
    }

    static Filter eq(String field, Object value) {
        return new Eq(field, Metadata.toValue(value));
    }

    static Filter in(String field, Object... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("'in' on field '" + field + "' needs at least one value");
        }
        return new Or(java.util.Arrays.stream(values).map(v -> (Filter) eq(field, v)).toList());
    }

    /** {@code min <= field <= max}; either bound may be null for an open side. */
    static Filter range(String field, Double min, boolean minInclusive, Double max, boolean maxInclusive) {
        return new Range(field, min, minInclusive, max, maxInclusive);
    }

    static Filter between(String field, double min, double max) {
        return new Range(field, min, true, max, true);
    }

    static Filter and(Filter... parts) {
        return new And(List.of(parts));
    }

    static Filter or(Filter... parts) {
        return new Or(List.of(parts));
    }

    static Filter not(Filter part) {
        return new Not(part);
    }

    /** Field equals value. */
    final class Eq implements Filter {
        private final String field;
        private final MetadataValue value;
        private final byte[] name;
        private final byte[] utf8;

        Eq(String field, MetadataValue value) {
            this.field = requireField(field);
            this.value = Objects.requireNonNull(value);
            this.name = field.getBytes(StandardCharsets.UTF_8);
            this.utf8 = value instanceof MetadataValue.Str s ? s.value().getBytes(StandardCharsets.UTF_8) : null;
        }

        public String field() {
            return field;
        }

        public MetadataValue value() {
            return value;
        }

        @Override
        public boolean matches(MemorySegment encoded) {
            MetadataReader r = new MetadataReader(encoded);
            while (r.next()) {
                if (r.nameEquals(name)) {
                    return switch (value) {
                        case MetadataValue.Str s -> r.stringEquals(utf8);
                        case MetadataValue.Bool b -> r.tag() == MetadataValue.TAG_BOOL && r.boolValue() == b.value();
                        case MetadataValue.Int i -> r.tag() == MetadataValue.TAG_LONG ? r.longValue() == i.value()
                                : r.numeric() == i.value();
                        case MetadataValue.Real d -> r.numeric() == d.value();
                    };
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return field + " = " + value;
        }
    }

    /** Numeric range with optional, inclusive or exclusive bounds. */
    final class Range implements Filter {
        private final String field;
        private final byte[] name;
        private final double min;
        private final double max;
        private final boolean minInclusive;
        private final boolean maxInclusive;

        Range(String field, Double min, boolean minInclusive, Double max, boolean maxInclusive) {
            this.field = requireField(field);
            if (min == null && max == null) {
                throw new IllegalArgumentException("range on field '" + field + "' needs a lower or an upper bound");
            }
            if ((min != null && Double.isNaN(min)) || (max != null && Double.isNaN(max))) {
                throw new IllegalArgumentException("range on field '" + field + "' has a NaN bound");
            }
            this.name = field.getBytes(StandardCharsets.UTF_8);
            this.min = min == null ? Double.NEGATIVE_INFINITY : min;
            this.max = max == null ? Double.POSITIVE_INFINITY : max;
            this.minInclusive = min == null || minInclusive;
            this.maxInclusive = max == null || maxInclusive;
        }

        public String field() {
            return field;
        }

        /** The lower bound; negative infinity (inclusive) when open. */
        public double min() {
            return min;
        }

        public double max() {
            return max;
        }

        public boolean minInclusive() {
            return minInclusive;
        }

        public boolean maxInclusive() {
            return maxInclusive;
        }

        /** Whether a field value {@code v} lies in the range; NaN never does. */
        public boolean contains(double v) {
            if (Double.isNaN(v)) {
                return false;
            }
            boolean above = minInclusive ? v >= min : v > min;
            boolean below = maxInclusive ? v <= max : v < max;
            return above && below;
        }

        @Override
        public boolean matches(MemorySegment encoded) {
            MetadataReader r = new MetadataReader(encoded);
            while (r.next()) {
                if (r.nameEquals(name)) {
                    return contains(r.numeric());
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return (minInclusive ? "[" : "(") + min + ", " + max + (maxInclusive ? "]" : ")") + " contains " + field;
        }
    }

    /** All parts match. */
    record And(List<Filter> parts) implements Filter {
        public And {
            parts = requireParts(parts, "and");
        }

        @Override
        public boolean matches(MemorySegment encoded) {
            for (Filter f : parts) {
                if (!f.matches(encoded)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** At least one part matches. */
    record Or(List<Filter> parts) implements Filter {
        public Or {
            parts = requireParts(parts, "or");
        }

        @Override
        public boolean matches(MemorySegment encoded) {
            for (Filter f : parts) {
                if (f.matches(encoded)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The part does not match. */
    record Not(Filter part) implements Filter {
        public Not {
            if (part == null) {
                throw new IllegalArgumentException("'not' needs a filter");
            }
        }

        @Override
        public boolean matches(MemorySegment encoded) {
            return !part.matches(encoded);
        }
    }

    private static String requireField(String field) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("filter field name must be non-empty");
        }
        return field;
    }

    private static List<Filter> requireParts(List<Filter> parts, String op) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("'" + op + "' needs at least one filter");
        }
        for (Filter f : parts) {
            if (f == null) {
                throw new IllegalArgumentException("'" + op + "' has a null filter");
            }
        }
        return List.copyOf(parts);
    }
}
