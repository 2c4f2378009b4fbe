package org.vxdb.service.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One audited operation: who did what, from where, to which collection, and how it ended. It has
 * no field for request content, so vectors, metadata values, filters and secrets cannot reach the
 * audit log through it.
 *
 * <p>Names ({@code protocol}, {@code operation}, {@code outcome}) come from code, not from clients,
 * and must match {@value #NAME_PATTERN}; anything else is a programming error
 * ({@link IllegalArgumentException}). Values that may come from a client ({@code principal},
 * {@code remote}, {@code collection}, {@code requestId}) are kept to {@value #MAX_VALUE_CHARS}
 * characters (a longer value is cut and ends with {@code ...}) and unpaired surrogates become
 * U+FFFD, so one line stays small and is always valid UTF-8.
 *
 * @param time       when the operation was received
 * @param principal  the key id that made the call, or {@link #ANONYMOUS}; never a secret or a token
 * @param remote     the client's address ({@code 10.0.0.7:53122}); null when there is none (e.g. the log itself)
 * @param protocol   {@code grpc}, {@code rest}, {@code ws}, {@code resp}, {@code cli}, ...
 * @param operation  {@code Search}, {@code Upsert}, {@code CreateCollection}, {@code Authenticate}, ...
 * @param category   which {@code audit.levels} entry this operation belongs to
 * @param collection the collection the operation named; null when it names none
 * @param rows       rows written, deleted or returned; {@link #NO_ROWS} when no count is meaningful
 * @param outcome    {@link #OK} or an error code name: {@code PERMISSION_DENIED}, {@code UNAUTHENTICATED}, ...
 * @param requestId  the request id the client sent or was given; null when there is none
 */
public record AuditEvent(Instant time, String principal, String remote, String protocol, String operation,
                         AuditCategory category, String collection, long rows, String outcome, String requestId) {

    public static final String OK = "ok";
    public static final String ANONYMOUS = "anonymous";
    /** {@code rows} of an operation without a row count; written as {@code "rows":null}. */
    public static final long NO_ROWS = -1;
    public static final int MAX_VALUE_CHARS = 256;
    public static final String NAME_PATTERN = "[A-Za-z][A-Za-z0-9_.-]{0,63}";

    /** The principal of the lines the audit log writes about itself. */
    static final String SYSTEM_PRINCIPAL = "vxdb";
    static final String SYSTEM_PROTOCOL = "internal";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final String CUT_MARK = "...";

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(category, "category");
        principal = value(Objects.requireNonNull(principal, "principal"));
        if (principal.isEmpty()) {
            throw new IllegalArgumentException("principal is empty: use AuditEvent.ANONYMOUS");
        }
        remote = remote == null ? null : value(remote);
        collection = collection == null ? null : value(collection);
        requestId = requestId == null ? null : value(requestId);
        name("protocol", protocol);
        name("operation", operation);
        name("outcome", outcome);
        if (rows < NO_ROWS) {
            throw new IllegalArgumentException("rows is " + rows + ": use a count or AuditEvent.NO_ROWS");
        }
    }

    /** A line the log writes about itself, such as events it lost. */
    static AuditEvent system(Instant time, String operation, long rows, String outcome) {
        return new AuditEvent(time, SYSTEM_PRINCIPAL, null, SYSTEM_PROTOCOL, operation, AuditCategory.SYSTEM, null,
                rows, outcome, null);
    }

    private static void name(String field, String value) {
        Objects.requireNonNull(value, field);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " '" + value + "' is invalid: use " + NAME_PATTERN);
        }
    }

    /** At most {@link #MAX_VALUE_CHARS} characters, every surrogate paired. */
    private static String value(String text) {
        String kept = text.length() <= MAX_VALUE_CHARS ? text : cut(text);
        return wellFormed(kept) ? kept : replaceUnpaired(kept);
    }

    private static String cut(String text) {
        int end = MAX_VALUE_CHARS - CUT_MARK.length();
        if (Character.isHighSurrogate(text.charAt(end - 1)) && Character.isLowSurrogate(text.charAt(end))) {
            end--; // never split a pair
        }
        return text.substring(0, end) + CUT_MARK;
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String replaceUnpaired(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
