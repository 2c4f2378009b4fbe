package org.vxdb.coordinator.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.vxdb.api.v1.Value;
import org.vxdb.coordinator.net.JsonLimits;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * Token-level reading shared by the JSON messages and the metadata of binary rows: a streaming
 * parser (no tree: a batch of 10,000 rows would be millions of nodes), uint64 ids and sequence
 * numbers, and metadata objects. A field that is not what the protocol says throws a
 * {@link DecodeProblem} naming it.
 */
final class JsonReading {

    /** Messages nest 5 levels (message, vectors, vector, metadata, value); anything deeper is refused early. */
    static final int MAX_DEPTH = 32;
    static final String UINT64_RANGE = "an integer from 0 to 18446744073709551615";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(JsonLimits.constraints(MAX_DEPTH))
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final int MAX_SHOWN = 32;
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)"
            + "|\\s*at \\[Source:[^\\]]*\\]");

    private JsonReading() {
    }

    static JsonParser parser(ByteBuf content) {
        InputStream bytes = new ByteBufInputStream(content.duplicate()); // typed: it is a DataInput too
        return JSON.createParser(ObjectReadContext.empty(), bytes);
    }

    /**
     * The message of a JSON syntax error: Jackson's own words and where, without the source
     * descriptions Jackson embeds in some messages (they say only that the source is not shown).
     */
    static String malformed(JacksonException e) {
        if (e instanceof StreamConstraintsException limit) {
            return JsonLimits.describe(limit, MAX_DEPTH);
        }
        TokenStreamLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return "malformed JSON: " + SOURCE.matcher(e.getOriginalMessage()).replaceAll("") + where;
    }

    static String string(JsonParser p, String at) {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new DecodeProblem(null, at + ": must be a string, got " + describe(p));
        }
        return p.getString();
    }

    /** A uint64 as a JSON integer or, when {@code digitsAllowed}, a string of decimal digits. */
    static long uint64(JsonParser p, String at, boolean digitsAllowed, Integer row) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long n = p.getLongValue();
                if (n >= 0) {
                    return n;
                }
            } else {
                BigInteger n = p.getBigIntegerValue();
                if (n.signum() >= 0 && n.bitLength() <= Long.SIZE) {
                    return n.longValue();
                }
            }
        } else if (t == JsonToken.VALUE_STRING && digitsAllowed && isDigits(p.getString())) {
            try {
                return Long.parseUnsignedLong(p.getString());
            } catch (NumberFormatException e) {
                // beyond 2^64-1: reported below
            }
        }
        throw new DecodeProblem(row, at + ": must be " + UINT64_RANGE
                + (digitsAllowed ? " (a number or a string of digits)" : "") + ", got " + describe(p));
    }

    /**
     * A metadata object of string, number and boolean fields (null: none). Integers that fit 64
     * bits are integers; every other number is a double.
     */
    static Map<String, Value> metadata(JsonParser p, String at, Integer row) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new DecodeProblem(row, at + ": must be an object, got " + describe(p));
        }
        Map<String, Value> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            p.nextToken();
            fields.put(name, value(p, at + "[\"" + name + "\"]", row));
        }
        return fields;
    }

    private static Value value(JsonParser p, String at, Integer row) {
        Value.Builder v = Value.newBuilder();
        switch (p.currentToken()) {
            case VALUE_STRING -> v.setStringValue(p.getString());
            case VALUE_TRUE, VALUE_FALSE -> v.setBoolValue(p.getBooleanValue());
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    // as REST answers it: an integer is an int64, never silently a rounded double
                    throw new DecodeProblem(row, at + ": " + p.getText() + " is outside the 64-bit integer range");
                } else {
                    v.setIntValue(p.getLongValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> v.setDoubleValue(p.getDoubleValue());
            default -> throw new DecodeProblem(row, at + ": must be a string, number or boolean, got " + describe(p));
        }
        return v.build();
    }

    /** After a problem inside a top-level field's value: moves to the end of that value. */
    static void skipToTopLevel(JsonParser p) {
        while (p.streamReadContext().getNestingDepth() > 1) {
            if (p.nextToken() == null) {
                return;
            }
        }
    }

    /** What the current token is, for messages: numbers as written (shortened), other kinds by name. */
    static String describe(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> shorten(p.getText());
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> t.name();
        };
    }

    private static String shorten(String s) {
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
