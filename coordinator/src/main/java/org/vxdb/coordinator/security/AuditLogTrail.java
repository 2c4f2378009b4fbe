package org.vxdb.coordinator.security;

import java.time.Instant;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.service.audit.AuditCategory;
import org.vxdb.service.audit.AuditEvent;
import org.vxdb.service.audit.AuditLog;

/** The coordinator's audit trail written to an {@link AuditLog} file: one JSON line per entry. */
public final class AuditLogTrail implements AuditTrail {

    private final AuditLog log;

    public AuditLogTrail(AuditLog log) {
        this.log = log;
    }

    public AuditLog log() {
        return log;
    }

    @Override
    public void record(Caller caller, String requestId, String operation, String category, String collection, long rows,
                       String outcome) {
        AuditCategory c = switch (category) {
            case "admin" -> AuditCategory.ADMIN;
            case "write" -> AuditCategory.WRITE;
            case "read" -> AuditCategory.READ;
            default -> AuditCategory.AUTH;
        };
        if (!log.logs(c)) {
            return;
        }
        log.record(new AuditEvent(Instant.now(), caller.principal(), caller.remoteAddress(), caller.protocol(),
                operation, c, collection, rows < 0 ? AuditEvent.NO_ROWS : rows, outcome, requestId));
    }

    @Override
    public void flush() {
        log.flush();
    }

    @Override
    public void close() {
        log.close();
    }
}
