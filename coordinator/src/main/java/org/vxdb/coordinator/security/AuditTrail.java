package org.vxdb.coordinator.security;

import org.vxdb.coordinator.core.Caller;

/**
 * Where the coordinator records who did what: one entry per operation, refused ones included. Never
 * vector data, metadata values or a secret.
 */
public interface AuditTrail extends AutoCloseable {

    /** The category of authentication refusals. */
    String AUTH = "auth";
    /** The outcome of what succeeded. */
    String OK = "ok";

    /**
     * @param operation  {@code Search}, {@code Authenticate}, ...
     * @param category   {@code admin}, {@code write}, {@code read} or {@code auth}
     * @param collection null when the operation names none
     * @param rows       rows written, found, deleted or returned; -1 when not meaningful
     * @param outcome    {@link #OK} or the error code's name
     */
    void record(Caller caller, String requestId, String operation, String category, String collection, long rows,
                String outcome);

    /** Makes everything recorded so far durable in the trail (tests, shutdown). */
    default void flush() {
    }

    @Override
    default void close() {
    }

    /** Records nothing. */
    AuditTrail NONE = (caller, requestId, operation, category, collection, rows, outcome) -> {
    };
}
