package org.vxdb.storage.meta;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Immutable metadata of one vector: field name to typed value, fields in name order. */
public record Metadata(Map<String, MetadataValue> fields) {

    public static final Metadata EMPTY = new Metadata(Map.of());

    public Metadata {
        if (fields == null) {
            throw new IllegalArgumentException("metadata fields are null");
        }
        TreeMap<String, MetadataValue> sorted = new TreeMap<>();
        for (Map.Entry<String, MetadataValue> e : fields.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("metadata field names must be non-empty");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("metadata field '" + e.getKey() + "' has no value");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        fields = Collections.unmodifiableMap(sorted);
    }

    public static Metadata of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Metadata.of takes name/value pairs");
        }
        TreeMap<String, MetadataValue> m = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], toValue(keysAndValues[i + 1]));
        }
        return new Metadata(m);
    }

    /** Converts a Java value (String, Integer, Long, Float, Double, Boolean) to a metadata value. */
    public static MetadataValue toValue(Object v) {
        return switch (v) {
            case MetadataValue mv -> mv;
            case String s -> new MetadataValue.Str(s);
            case Integer i -> new MetadataValue.Int(i);
            case Long l -> new MetadataValue.Int(l);
            case Float f -> new MetadataValue.Real(f);
            case Double d -> new MetadataValue.Real(d);
            case Boolean b -> new MetadataValue.Bool(b);
            case null -> throw new IllegalArgumentException("metadata value is null");
            default -> throw new IllegalArgumentException("unsupported metadata value type "
                    + v.getClass().getSimpleName() + ": use string, long, double or boolean");
        };
    }

    public MetadataValue get(String field) {
        return fields.get(field);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }
}
