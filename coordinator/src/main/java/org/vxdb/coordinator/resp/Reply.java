package org.vxdb.coordinator.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One reply to a Redis command, independent of the protocol version: {@link RespReplyEncoder}
 * writes it as RESP2 or RESP3. The RESP3-only types degrade the way Redis itself degrades them for
 * a RESP2 client: a map becomes a flat array of keys and values, a double a bulk string, a boolean
 * the integer 1 or 0, a set an array, a verbatim string a bulk string, a null {@code $-1} or {@code *-1}.
 */
sealed interface Reply {

    /** {@code +text}: a short status such as OK or PONG. */
    record Status(String text) implements Reply {
    }

    /** {@code -CODE message}: the text starts with the error code (ERR, WRONGTYPE, BUSY, ...). */
    record Error(String text) implements Reply {
        public Error {
            // A reply line must not break the framing: Redis maps CR and LF in error texts to spaces too.
            text = text.replace('\r', ' ').replace('\n', ' ');
        }
    }

    /** {@code :n}. */
    record Int(long value) implements Reply {
    }

    /** {@code $len} binary-safe string. */
    record Bulk(byte[] bytes) implements Reply {
    }

    /** RESP3 {@code ,} double; RESP2 a bulk string of the same text. */
    record Dbl(double value) implements Reply {
    }

    /** RESP3 {@code #t}/{@code #f}; RESP2 {@code :1}/{@code :0}. */
    record Bool(boolean value) implements Reply {
    }

    /** RESP3 {@code =len txt:...} (INFO, CLIENT INFO); RESP2 a bulk string. */
    record Verbatim(String text) implements Reply {
    }

    /** A null string: RESP2 {@code $-1}; RESP3 {@code _}. */
    record Null() implements Reply {
    }

    /** A null array: RESP2 {@code *-1}; RESP3 {@code _}. */
    record NullArray() implements Reply {
    }

    /** {@code *n}. */
    record Array(List<Reply> items) implements Reply {
    }

    /** RESP3 {@code ~n}; RESP2 an array. */
    record Set(List<Reply> items) implements Reply {
    }

    /** RESP3 {@code %n} with n key/value pairs; RESP2 a flat array of 2n items. */
    record Map(List<Reply> keysAndValues) implements Reply {
        public Map {
            if (keysAndValues.size() % 2 != 0) {
                throw new IllegalArgumentException("a map needs keys and values in pairs");
            }
        }
    }

    Reply OK = new Status("OK");
    Reply NULL = new Null();
    Reply NULL_ARRAY = new NullArray();
    Reply EMPTY_ARRAY = new Array(List.of());

    static Reply status(String text) {
        return new Status(text);
    }

    static Reply error(String text) {
        return new Error(text);
    }

    static Reply integer(long value) {
        return new Int(value);
    }

    static Reply bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    static Reply bulk(byte[] bytes) {
        return new Bulk(bytes);
    }

    static Reply bulkOrNull(String text) {
        return text == null ? NULL : bulk(text);
    }

    static Reply dbl(double value) {
        return new Dbl(value);
    }

    /**
     * A float32 value (a stored component, a distance) as the shortest decimal that reads back as
     * that float: {@code 0.1} rather than the double {@code 0.10000000149011612}.
     */
    static Reply dbl(float value) {
        return new Dbl(Float.isFinite(value) ? Double.parseDouble(Float.toString(value)) : value);
    }

    static Reply bool(boolean value) {
        return new Bool(value);
    }

    static Reply array(List<Reply> items) {
        return new Array(List.copyOf(items));
    }

    static Reply array(Reply... items) {
        return new Array(List.of(items));
    }

    /** A builder for maps whose keys are bulk strings, in insertion order. */
    static MapBuilder map() {
        return new MapBuilder();
    }

    /** Collects key/value pairs for a {@link Map} reply. */
    final class MapBuilder {
        private final List<Reply> items = new ArrayList<>();

        public MapBuilder put(String key, Reply value) {
            items.add(bulk(key));
            items.add(value);
            return this;
        }

        public MapBuilder put(Reply key, Reply value) {
            items.add(key);
            items.add(value);
            return this;
        }

        public MapBuilder put(String key, String value) {
            return put(key, bulk(value));
        }

        public MapBuilder put(String key, long value) {
            return put(key, integer(value));
        }

        public Reply build() {
            return new Map(List.copyOf(items));
        }
    }
}
