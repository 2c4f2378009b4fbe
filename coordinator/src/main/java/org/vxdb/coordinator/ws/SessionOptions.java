package org.vxdb.coordinator.ws;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.vxdb.api.v1.WriteConsistency;

/**
 * What a session writes to and how: the collection, the acknowledgement level and the write
 * consistency. Given as query parameters of the upgrade request or as the fields of an
 * {@code open} message (the message's fields override the query's).
 *
 * @param collection  null until named
 * @param consistency WRITE_CONSISTENCY_UNSPECIFIED: the coordinator's configured default
 */
record SessionOptions(String collection, AckLevel ack, WriteConsistency consistency) {

    static final Set<String> NAMES = Set.of("collection", "ack", "consistency");
    static final SessionOptions DEFAULTS = new SessionOptions(null, AckLevel.DURABLE,
            WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED);

    /** The options named in an upgrade URI's query; IllegalArgumentException names a bad one. */
    static SessionOptions fromQuery(String uri) {
        Map<String, List<String>> parameters = new QueryStringDecoder(uri).parameters();
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
            if (!NAMES.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown query parameter '" + e.getKey()
                        + "' (use collection, ack, consistency)");
            }
            if (e.getValue().size() != 1) {
                throw new IllegalArgumentException("query parameter '" + e.getKey() + "' is given "
                        + e.getValue().size() + " times");
            }
            fields.put(e.getKey(), e.getValue().getFirst());
        }
        return DEFAULTS.with(fields);
    }

    /** These options with some replaced by {@code fields} (keys among {@link #NAMES}). */
    SessionOptions with(Map<String, String> fields) {
        String c = fields.getOrDefault("collection", collection);
        if (c != null && c.isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        AckLevel a = fields.containsKey("ack") ? AckLevel.parse(fields.get("ack")) : ack;
        WriteConsistency w = fields.containsKey("consistency") ? consistency(fields.get("consistency")) : consistency;
        return new SessionOptions(c, a, w);
    }

    private static WriteConsistency consistency(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "one" -> WriteConsistency.ONE;
            case "quorum" -> WriteConsistency.QUORUM;
            case "all" -> WriteConsistency.ALL;
            default -> throw new IllegalArgumentException("consistency: '" + text
                    + "' is invalid: use one, quorum or all");
        };
    }

    /** "one", "quorum", "all", or "default" for the coordinator's configured level. */
    String consistencyName() {
        return consistency == WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED ? "default"
                : consistency.name().toLowerCase(Locale.ROOT);
    }
}
