package org.vxdb.coordinator.ws;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vxdb.api.v1.Vector;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Decodes a text frame: one JSON object, {@code open} or {@code batch} (docs/api-websocket.md).
 * Only the protocol's shape is checked here (types of fields, uint64 ranges); dimensions, finite
 * values, batch sizes and duplicate ids are the core's to judge.
 */
final class JsonMessageDecoder {

    private static final Set<String> OPEN_FIELDS = Set.of("type", "collection", "ack", "consistency", "token");
    private static final Set<String> BATCH_FIELDS = Set.of("type", "seq", "vectors");

    private JsonMessageDecoder() {
    }

    static InboundMessage decode(ByteBuf content) {
        Fields fields = new Fields();
        try (JsonParser p = JsonReading.parser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return InboundMessage.Rejected.unreadable("a message must be a JSON object, got "
                        + JsonReading.describe(p));
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                readField(p, fields);
            }
            if (p.nextToken() != null) {
                return InboundMessage.Rejected.unreadable("malformed JSON: more content after the message object");
            }
        } catch (JacksonException e) {
            return InboundMessage.Rejected.unreadable(JsonReading.malformed(e));
        }
        return fields.message();
    }

    private static void readField(JsonParser p, Fields fields) {
        String name = p.currentName();
        p.nextToken();
        fields.names.add(name);
        try {
            switch (name) {
                case "type" -> fields.type = JsonReading.string(p, "type");
                case "seq" -> fields.seq = JsonReading.uint64(p, "seq", false, null);
                case "vectors" -> fields.vectors = vectors(p);
                case "collection", "ack", "consistency", "token" -> fields.options.put(name, JsonReading.string(p, name));
                default -> throw new DecodeProblem(null, "unknown field '" + name + "'");
            }
        } catch (DecodeProblem problem) {
            fields.problem(problem);
            JsonReading.skipToTopLevel(p);
        }
    }

    private static List<Vector> vectors(JsonParser p) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new DecodeProblem(null, "vectors: must be an array, got " + JsonReading.describe(p));
        }
        List<Vector> vectors = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            vectors.add(vector(p, vectors.size()));
        }
        return vectors;
    }

    private static Vector vector(JsonParser p, int row) {
        String at = "vectors[" + row + "]";
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new DecodeProblem(row, at + ": must be an object, got " + JsonReading.describe(p));
        }
        Vector.Builder v = Vector.newBuilder();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "id" -> {
                    if (p.currentToken() != JsonToken.VALUE_NULL) {
                        v.setId(JsonReading.uint64(p, at + ".id", true, row));
                    }
                }
                case "values" -> values(p, v, at, row);
                case "metadata" -> v.putAllMetadata(JsonReading.metadata(p, at + ".metadata", row));
                default -> throw new DecodeProblem(row, at + ": unknown field '" + name
                        + "' (use id, values, metadata)");
            }
        }
        return v.build();
    }

    private static void values(JsonParser p, Vector.Builder v, String at, int row) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new DecodeProblem(row, at + ".values: must be an array of numbers, got " + JsonReading.describe(p));
        }
        int i = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new DecodeProblem(row, at + ".values[" + i + "]: must be a number, got "
                        + JsonReading.describe(p));
            }
            v.addValues(p.getFloatValue());
        }
    }

    /** What a message's fields said, and the first problem found in them. */
    private static final class Fields {
        final Set<String> names = new LinkedHashSet<>();
        final Map<String, String> options = new LinkedHashMap<>();
        String type;
        Long seq;
        List<Vector> vectors;
        DecodeProblem problem;

        void problem(DecodeProblem p) {
            if (problem == null) {
                problem = p;
            }
        }

        InboundMessage message() {
            if (type == null) {
                return InboundMessage.Rejected.unreadable(problem != null ? problem.getMessage()
                        : "type: required (open or batch)");
            }
            return switch (type) {
                case "open" -> open();
                case "batch" -> batch();
                default -> InboundMessage.Rejected.unreadable("unknown message type '" + type
                        + "' (use open or batch)");
            };
        }

        private InboundMessage open() {
            String stray = stray(OPEN_FIELDS);
            if (problem == null && stray != null) {
                problem = new DecodeProblem(null, "'" + stray + "' is not a field of an open message"
                        + " (use collection, ack, consistency, token)");
            }
            return problem != null ? InboundMessage.Rejected.open(problem.getMessage())
                    : new InboundMessage.Open(options);
        }

        private InboundMessage batch() {
            if (seq == null) {
                return InboundMessage.Rejected.unreadable(problem != null ? problem.getMessage() : "seq: required");
            }
            String stray = stray(BATCH_FIELDS);
            if (problem == null && stray != null) {
                problem = new DecodeProblem(null, "'" + stray + "' is not a field of a batch message"
                        + " (use seq, vectors)");
            }
            if (problem == null && vectors == null) {
                problem = new DecodeProblem(null, "vectors: required");
            }
            return problem != null ? InboundMessage.Rejected.batch(seq, problem.row(), problem.getMessage())
                    : new InboundMessage.Batch(seq, vectors);
        }

        private String stray(Set<String> allowed) {
            for (String n : names) {
                if (!allowed.contains(n)) {
                    return n;
                }
            }
            return null;
        }
    }
}
