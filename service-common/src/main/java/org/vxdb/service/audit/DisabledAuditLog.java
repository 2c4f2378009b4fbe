package org.vxdb.service.audit;

/** The audit log when {@code audit:} is absent or {@code audit.enabled: false}: records nothing. */
final class DisabledAuditLog implements AuditLog {

    static final DisabledAuditLog INSTANCE = new DisabledAuditLog();

    private DisabledAuditLog() {
    }

    @Override
    public boolean logs(AuditCategory category) {
        return false;
    }

    @Override
    public void record(AuditEvent event) {
        // Nothing is audited.
    }

    @Override
    public void flush() {
        // Nothing to write.
    }

    @Override
    public AuditChainHead head() {
        return AuditChainHead.EMPTY;
    }

    @Override
    public long written() {
        return 0;
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public long writeErrors() {
        return 0;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
