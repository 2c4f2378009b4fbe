package org.vxdb.coordinator.net;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * What one JSON text from a client may hold, the same for every protocol that reads JSON (REST
 * bodies and NDJSON lines, WebSocket messages and the metadata of binary rows, the JSON arguments
 * of RESP commands). Each parser refuses a text over a limit as soon as it meets the offending
 * token, before building anything from it; the request size limit
 * ({@code connections.max_request_bytes}) bounds the text as a whole.
 */
public final class JsonLimits {

    /**
     * Longest string value, in characters: the base64 of the largest vector (65,536 float32
     * values, 349,528 characters) fits with room to spare.
     */
    public static final int MAX_STRING_CHARS = 1 << 20;
    /** Longest field name, in characters (a metadata field name is at most 255 bytes of UTF-8). */
    public static final int MAX_NAME_CHARS = 1024;
    /** Longest number, in characters: a uint64 has 20 digits, a double at most 24. */
    public static final int MAX_NUMBER_CHARS = 100;

    private JsonLimits() {
    }

    /** The read constraints of a client parser that allows {@code maxDepth} levels of nesting. */
    public static StreamReadConstraints constraints(int maxDepth) {
        return StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(MAX_STRING_CHARS)
                .maxNameLength(MAX_NAME_CHARS)
                .maxNumberLength(MAX_NUMBER_CHARS)
                .build();
    }

    /**
     * Which limit a text broke, in our words ({@code JSON nested deeper than 64 levels}, {@code a JSON
     * string longer than 1048576 characters}, ...) rather than Jackson's, which name its own API.
     */
    public static String describe(StreamConstraintsException e, int maxDepth) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.contains("getMaxNestingDepth")) {
            return "JSON nested deeper than " + maxDepth + " levels";
        }
        if (m.contains("getMaxStringLength")) {
            return "a JSON string longer than " + MAX_STRING_CHARS + " characters";
        }
        if (m.contains("getMaxNameLength")) {
            return "a JSON field name longer than " + MAX_NAME_CHARS + " characters";
        }
        if (m.contains("getMaxNumberLength")) {
            return "a JSON number longer than " + MAX_NUMBER_CHARS + " characters";
        }
        return "JSON over a size limit: " + m;
    }
}
