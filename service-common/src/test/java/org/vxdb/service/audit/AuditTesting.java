package org.vxdb.service.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Events, lines and an independent reading of the hash definition, for the audit tests. */
final class AuditTesting {

    static final Instant T0 = Instant.parse("2025-01-31T09:15:02.123Z");
    private static final Pattern SEQ = Pattern.compile("^\\{\"seq\":(\\d+),");
    private static final Pattern STRING_FIELD = Pattern.compile("\"%s\":(null|\"([^\"]*)\")");

    private AuditTesting() {
    }

    /** A search by key {@code k1}: request id {@code r-<i>}, {@code i} rows, {@code i} ms after {@link #T0}. */
    static AuditEvent search(int i) {
        return new AuditEvent(T0.plusMillis(i), "k1", "10.0.0.7:53122", "grpc", "Search", AuditCategory.READ, "docs",
                i, AuditEvent.OK, "r-" + i);
    }

    static AuditEvent event(AuditCategory category, String operation, String requestId) {
        return new AuditEvent(T0, "k1", "10.0.0.7:53122", "rest", operation, category, "docs", AuditEvent.NO_ROWS,
                AuditEvent.OK, requestId);
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    static void writeLines(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    static long seq(String line) {
        Matcher m = SEQ.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no seq in " + line);
        }
        return Long.parseLong(m.group(1));
    }

    /** A string member's value (null for JSON null), read with a regex rather than the code under test. */
    static String field(String line, String name) {
        Matcher m = Pattern.compile(String.format(STRING_FIELD.pattern(), name)).matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + line);
        }
        return m.group(2);
    }

    /** The hash as docs/security.md defines it: SHA-256 of the line up to its final ,"hash":" and a }. */
    static String hashAsDocumented(String line) {
        int end = line.lastIndexOf(",\"hash\":\"");
        return sha256Hex(line.substring(0, end) + "}");
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code line} with its hash replaced by the one its content now has: an edit that hides itself. */
    static String rehashed(String line) {
        int end = line.lastIndexOf(",\"hash\":\"");
        return line.substring(0, end) + ",\"hash\":\"" + hashAsDocumented(line) + "\"}";
    }

    /** Opens a log at {@code file} with the settings of {@code audit: {file: ...}}. */
    static AuditLog open(Path file) throws IOException {
        return AuditLog.open(AuditSettings.enabled(file));
    }

    /** Writes {@code count} searches (request ids r-1 ...) to a new log at {@code file}. */
    static List<String> writeSearches(Path file, int count) throws IOException {
        try (AuditLog log = open(file)) {
            for (int i = 1; i <= count; i++) {
                log.record(search(i));
            }
        }
        return lines(file);
    }
}
