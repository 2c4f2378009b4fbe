package org.vxdb.coordinator.rest;

import java.io.InputStream;
import org.vxdb.coordinator.net.JsonLimits;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads request bodies into trees and writes response trees, with the limits a public parser
 * needs: nesting depth, string, name and number lengths ({@link JsonLimits}), one value per body,
 * no duplicate fields. Integers keep every digit (an id
 * above 2^63 becomes a big integer, never a rounded double). A syntax error says where it is.
 */
final class RestJson {

    /** Deepest nesting a request body may have; deeper is refused before it is built. */
    static final int MAX_DEPTH = 64;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(JsonLimits.constraints(MAX_DEPTH))
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Checked by read() itself, to say where the extra data starts.
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RestJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static byte[] write(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /**
     * One JSON value; {@code what} names it in errors ("request body").
     * Null when the input holds no value at all.
     */
    static JsonNode read(InputStream in, String what) {
        return read(in, what, false);
    }

    /** One line of NDJSON: errors give the column only ({@code what} already names the line). */
    static JsonNode readLine(InputStream in, String what) {
        return read(in, what, true);
    }

    private static JsonNode read(InputStream in, String what, boolean oneLine) {
        try (JsonParser parser = MAPPER.createParser(in)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (tree == null || tree.isMissingNode()) {
                return null;
            }
            if (parser.nextToken() != null) {
                throw RestError.invalid(what + ": unexpected data after the JSON value at "
                        + where(parser.currentTokenLocation(), oneLine));
            }
            return tree;
        } catch (StreamConstraintsException e) {
            throw RestError.invalid(what + ": " + JsonLimits.describe(e, MAX_DEPTH));
        } catch (JacksonException e) {
            throw RestError.invalid(what + ": malformed JSON at " + where(e.getLocation(), oneLine) + ": "
                    + jacksonReason(e.getOriginalMessage()));
        }
    }

    private static String where(TokenStreamLocation at, boolean oneLine) {
        if (at == null || at.getLineNr() < 1) {
            return "the end of the input";
        }
        return (oneLine ? "" : "line " + at.getLineNr() + ", ") + "column " + at.getColumnNr();
    }

    /** Jackson's message without its own location (ours is given) or its source excerpt. */
    private static String jacksonReason(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String m = message;
        for (String tail : new String[] {"\n", " (start marker at", " at [Source"}) {
            int cut = m.indexOf(tail);
            if (cut > 0) {
                m = m.substring(0, cut);
            }
        }
        return m;
    }
}
