package org.vxdb.node.grpc;

import java.util.Map;
import java.util.TreeMap;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.v1.Value;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.meta.MetadataValue;

/** Metadata between the wire ({@code map<string, Value>}) and the engine's typed, encoded form. */
final class MetadataMapping {

    private MetadataMapping() {
    }

    /** Validates and encodes; errors name {@code at}, e.g. {@code vectors[3].metadata["tag"]}. */
    static byte[] encode(Map<String, Value> fields, String at) {
        if (fields.isEmpty()) {
            return new byte[0];
        }
        Metadata metadata = toMetadata(fields, at);
        try {
            return MetadataCodec.encode(metadata);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
    }

    /** Checked as the coordinator checks it ({@link RequestChecks#metadata}: names, values, count, size). */
    static Metadata toMetadata(Map<String, Value> fields, String at) {
        RequestChecks.metadata(fields, at);
        TreeMap<String, MetadataValue> out = new TreeMap<>();
        for (Map.Entry<String, Value> e : fields.entrySet()) {
            out.put(e.getKey(), toValue(e.getValue(), at + "[\"" + e.getKey() + "\"]"));
        }
        return new Metadata(out);
    }

    static MetadataValue toValue(Value v, String at) {
        RequestChecks.value(v, at);
        return switch (v.getKindCase()) {
            case STRING_VALUE -> new MetadataValue.Str(v.getStringValue());
            case INT_VALUE -> new MetadataValue.Int(v.getIntValue());
            case BOOL_VALUE -> new MetadataValue.Bool(v.getBoolValue());
            case DOUBLE_VALUE -> new MetadataValue.Real(v.getDoubleValue());
            case KIND_NOT_SET -> throw new IllegalStateException("checked above");
        };
    }

    static Value toProto(MetadataValue v) {
        return switch (v) {
            case MetadataValue.Str s -> Value.newBuilder().setStringValue(s.value()).build();
            case MetadataValue.Int i -> Value.newBuilder().setIntValue(i.value()).build();
            case MetadataValue.Real r -> Value.newBuilder().setDoubleValue(r.value()).build();
            case MetadataValue.Bool b -> Value.newBuilder().setBoolValue(b.value()).build();
        };
    }

    static Map<String, Value> toProto(Metadata metadata) {
        TreeMap<String, Value> out = new TreeMap<>();
        metadata.fields().forEach((k, v) -> out.put(k, toProto(v)));
        return out;
    }
}
