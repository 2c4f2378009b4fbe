package org.vxdb.coordinator.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the replies a RESP2 or RESP3 server writes, as bytes arrive, and fails on any byte that
 * breaks the framing: an unknown type byte, a length that is not a number, a line without CRLF, a
 * bulk string whose end is not CRLF. A reply is its text ({@code "+OK"}, {@code "-ERR ..."},
 * {@code ":1"}, {@code "$text"}, {@code ",1.5"}, {@code "#t"}, {@code "_"}) or, for an aggregate,
 * its type and a list of its items.
 */
final class RespReplyReader {

    /** An aggregate reply: {@code type} is one of {@code * % ~ >}; {@code items} its children (map: keys, values). */
    record Aggregate(char type, List<Object> items) {
    }

    /** The bytes end inside a reply: wait for more. */
    private static final class Incomplete extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Incomplete INSTANCE = new Incomplete();

        private Incomplete() {
            super(null, null, false, false);
        }
    }

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Object> replies = new ArrayList<>();
    private int consumed;

    /** Takes more bytes and reads every reply they complete. */
    void feed(byte[] bytes) {
        received.writeBytes(bytes);
        byte[] all = received.toByteArray();
        while (consumed < all.length) {
            Cursor c = new Cursor(all, consumed);
            Object reply;
            try {
                reply = c.reply();
            } catch (Incomplete e) {
                return;
            }
            replies.add(reply);
            consumed = c.pos;
        }
    }

    List<Object> replies() {
        return replies;
    }

    /** Bytes received that do not yet make a whole reply. */
    int pending() {
        return received.size() - consumed;
    }

    /** The replies of a complete byte string; fails when bytes are left over. */
    static List<Object> readAll(byte[] bytes) {
        RespReplyReader r = new RespReplyReader();
        r.feed(bytes);
        if (r.pending() != 0) {
            throw new AssertionError("reply stream ends inside a reply: "
                    + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return r.replies();
    }

    private static final class Cursor {
        private final byte[] b;
        private int pos;

        Cursor(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        Object reply() {
            if (pos >= b.length) {
                throw Incomplete.INSTANCE;
            }
            char type = (char) b[pos++];
            return switch (type) {
                case '+', '-' -> type + line();
                case ':' -> ":" + number(line(), Long.MIN_VALUE);
                case ',' -> "," + dbl(line());
                case '#' -> "#" + bool(line());
                case '_' -> {
                    String rest = line();
                    if (!rest.isEmpty()) {
                        throw malformed("a RESP3 null carries no text, got '" + rest + "'");
                    }
                    yield "_";
                }
                case '$' -> bulk();
                case '=' -> verbatim();
                case '*', '~', '>' -> aggregate(type, 1);
                case '%' -> aggregate(type, 2);
                default -> throw malformed("unknown reply type byte 0x" + Integer.toHexString(type & 0xff));
            };
        }

        private Object bulk() {
            long length = number(line(), -1);
            if (length < 0) {
                return "$-1";
            }
            return "$" + new String(body(length), StandardCharsets.UTF_8);
        }

        private Object verbatim() {
            long length = number(line(), 4);
            byte[] body = body(length);
            if (body[3] != ':') {
                throw malformed("a verbatim string starts with a 3-letter format and ':'");
            }
            return "=" + new String(body, StandardCharsets.UTF_8);
        }

        private Aggregate aggregate(char type, int perEntry) {
            long count = number(line(), type == '*' ? -1 : 0);
            List<Object> items = new ArrayList<>();
            for (long i = 0; i < count * perEntry; i++) {
                items.add(reply());
            }
            return new Aggregate(type, items);
        }

        private byte[] body(long length) {
            if (length > b.length - pos - 2) {
                throw Incomplete.INSTANCE;
            }
            int n = (int) length;
            if (b[pos + n] != '\r' || b[pos + n + 1] != '\n') {
                throw malformed("a " + n + "-byte string does not end with CRLF");
            }
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n + 2;
            return out;
        }

        /** The rest of the line, without its CRLF; a lone CR or LF inside is malformed. */
        private String line() {
            for (int i = pos; i < b.length; i++) {
                if (b[i] == '\n') {
                    throw malformed("a line feed without a carriage return before it");
                }
                if (b[i] == '\r') {
                    if (i + 1 >= b.length) {
                        throw Incomplete.INSTANCE;
                    }
                    if (b[i + 1] != '\n') {
                        throw malformed("a carriage return inside a line");
                    }
                    String text = new String(b, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 2;
                    return text;
                }
            }
            throw Incomplete.INSTANCE;
        }

        private static long number(String text, long min) {
            long n;
            try {
                n = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw malformed("'" + text + "' is not an integer");
            }
            if (n < min) {
                throw malformed(n + " is below " + min);
            }
            return n;
        }

        private static String dbl(String text) {
            if (!text.matches("-?inf|nan|-?[0-9]+(\\.[0-9]+)?(e[-+]?[0-9]+)?")) {
                throw malformed("'" + text + "' is not a RESP3 double");
            }
            return text;
        }

        private static String bool(String text) {
            if (!text.equals("t") && !text.equals("f")) {
                throw malformed("'" + text + "' is not a RESP3 boolean");
            }
            return text;
        }

        private static AssertionError malformed(String why) {
            return new AssertionError("malformed reply: " + why);
        }
    }
}
