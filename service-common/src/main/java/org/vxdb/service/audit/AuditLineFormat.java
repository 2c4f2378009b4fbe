package org.vxdb.service.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The layout of one audit line, shared by the writer and the verifier (docs/security.md says the same).
 *
 * <p>A line is a JSON object on one line, ended by {@code \n}, UTF-8, no spaces, with the members
 * {@link #FIELDS} in that order; a value that does not apply is {@code null}. The last member is
 * always {@code "hash":"<64 lowercase hex digits>"}, so every line ends with the
 * {@value #HASH_SUFFIX_BYTES} bytes {@code ,"hash":"<hex>"}}.
 *
 * <p><b>Hash.</b> {@code hash} is the lowercase hex SHA-256 of the line's <em>content</em>: the
 * bytes of the line exactly as written, up to but not including its final {@code ,"hash":"},
 * followed by one {@code }} byte. The content is thus the line as a JSON object without its
 * {@code hash} member, byte for byte as it stands in the file; nothing is re-serialized, so a
 * verifier needs no JSON canonicalization, only the bytes.
 *
 * <p><b>Chain.</b> {@code seq} counts lines from 1 and grows by one per line, across restarts and
 * rotated files. {@code prev} is the {@code hash} of the line before (in the previous file after a
 * rotation); the line with {@code seq} 1 has {@code prev} {@link #GENESIS}. Because each hash covers
 * {@code prev}, changing any line changes every hash after it.
 */
public final class AuditLineFormat {

    /** The {@code prev} of the first line of a log: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);
    /** Every member of a line, in the order written. */
    public static final List<String> FIELDS = List.of("seq", "time", "principal", "remote", "protocol", "operation",
            "category", "collection", "rows", "outcome", "request_id", "prev", "hash");
    public static final int HASH_HEX_CHARS = 64;
    static final byte[] HASH_MEMBER = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"hash":"} + the hex digits + {@code "}}: how every line ends before its newline. */
    public static final int HASH_SUFFIX_BYTES = 9 + HASH_HEX_CHARS + 2;
    /** No line the writer makes comes near this; a longer one is not an audit line. */
    static final int MAX_LINE_BYTES = 64 << 10;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final JsonMapper READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final HexFormat HEX = HexFormat.of();

    private AuditLineFormat() {
    }

    /** {@code 2025-01-31T09:15:02.123Z}: UTC, always milliseconds. */
    static String time(Instant time) {
        return TIME.format(time);
    }

    /** The line, newline included, recording {@code event} as line {@code seq} after the line hashed {@code prev}. */
    static Encoded encode(AuditEvent event, long seq, String prev) {
        ByteArrayOutputStream content = new ByteArrayOutputStream(320);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), content)) {
            g.writeStartObject();
            g.writeNumberProperty("seq", seq);
            g.writeStringProperty("time", time(event.time()));
            g.writeStringProperty("principal", event.principal());
            g.writeStringProperty("remote", event.remote());
            g.writeStringProperty("protocol", event.protocol());
            g.writeStringProperty("operation", event.operation());
            g.writeStringProperty("category", event.category().wireName());
            g.writeStringProperty("collection", event.collection());
            if (event.rows() == AuditEvent.NO_ROWS) {
                g.writeNullProperty("rows");
            } else {
                g.writeNumberProperty("rows", event.rows());
            }
            g.writeStringProperty("outcome", event.outcome());
            g.writeStringProperty("request_id", event.requestId());
            g.writeStringProperty("prev", prev);
            g.writeEndObject();
        }
        byte[] bytes = content.toByteArray();
        String hash = sha256Hex(bytes, bytes.length - 1);
        ByteArrayOutputStream line = new ByteArrayOutputStream(bytes.length + HASH_SUFFIX_BYTES + 1);
        line.write(bytes, 0, bytes.length - 1);
        line.writeBytes(HASH_MEMBER);
        line.writeBytes(hash.getBytes(StandardCharsets.US_ASCII));
        line.writeBytes(new byte[] {'"', '}', '\n'});
        return new Encoded(line.toByteArray(), hash);
    }

    /** A line ready to append, newline included, and its hash. */
    record Encoded(byte[] bytes, String hash) {
    }

    /**
     * Where the content of a line ends: the offset of its final {@code ,"hash":"}, or -1 when the
     * line does not end with {@code ,"hash":"<64 lowercase hex digits>"}}.
     *
     * @param length the line's length without its newline
     */
    static int contentEnd(byte[] line, int length) {
        int start = length - HASH_SUFFIX_BYTES;
        if (start < 1 || line[length - 2] != '"' || line[length - 1] != '}') {
            return -1;
        }
        for (int i = 0; i < HASH_MEMBER.length; i++) {
            if (line[start + i] != HASH_MEMBER[i]) {
                return -1;
            }
        }
        for (int i = start + HASH_MEMBER.length; i < length - 2; i++) {
            if (Character.digit(line[i], 16) < 0 || line[i] >= 'A' && line[i] <= 'F') {
                return -1;
            }
        }
        return start;
    }

    /** The hash a line with this content must carry: SHA-256 over {@code line[0, contentEnd)} and a {@code }}. */
    static String sha256Hex(byte[] line, int contentEnd) {
        MessageDigest digest = sha256();
        digest.update(line, 0, contentEnd);
        digest.update((byte) '}');
        return HEX.formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static boolean isHex64(String text) {
        if (text == null || text.length() != HASH_HEX_CHARS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads what the chain needs from one line.
     *
     * @param length the line's length without its newline
     * @throws MalformedLineException saying what is wrong, e.g. {@code seq is not a positive integer}
     */
    static ParsedLine parse(byte[] line, int length) {
        int contentEnd = contentEnd(line, length);
        if (contentEnd < 0) {
            throw new MalformedLineException("it does not end with a \"hash\" member of 64 lowercase hex digits");
        }
        JsonNode tree;
        try {
            tree = READER.readTree(line, 0, length);
        } catch (JacksonException e) {
            throw new MalformedLineException("it is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!tree.isObject()) {
            throw new MalformedLineException("it is not a JSON object");
        }
        JsonNode seq = tree.get("seq");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
            throw new MalformedLineException("its seq is not a positive integer");
        }
        JsonNode prev = tree.get("prev");
        if (prev == null || !prev.isString() || !isHex64(prev.stringValue())) {
            throw new MalformedLineException("its prev is not 64 lowercase hex digits");
        }
        String stored = new String(line, contentEnd + HASH_MEMBER.length, HASH_HEX_CHARS, StandardCharsets.US_ASCII);
        JsonNode rows = tree.get("rows");
        return new ParsedLine(seq.longValue(), prev.stringValue(), stored, sha256Hex(line, contentEnd),
                text(tree, "category"), text(tree, "operation"), text(tree, "outcome"),
                rows != null && rows.isIntegralNumber() && rows.canConvertToLong() ? rows.longValue() : -1);
    }

    private static String text(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node != null && node.isString() ? node.stringValue() : null;
    }

    /**
     * What the chain needs from one line.
     *
     * @param hash        the hash the line carries
     * @param contentHash the hash of its content, which equals {@code hash} unless the line was altered
     * @param rows        -1 when null or absent
     */
    record ParsedLine(long seq, String prev, String hash, String contentHash, String category, String operation,
                      String outcome, long rows) {

        boolean intact() {
            return hash.equals(contentHash);
        }
    }

    /** A line that is not an audit line; the message says why, to follow "line 17 of audit.log is malformed: ". */
    static final class MalformedLineException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        MalformedLineException(String reason) {
            super(reason);
        }
    }
}
