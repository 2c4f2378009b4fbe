package org.vxdb.service.audit;

import java.util.List;
import java.util.Locale;

/**
 * What kind of operation an audit line records. The first four are the {@code audit.levels} an
 * operator chooses from; {@link #SYSTEM} lines are written by the audit log itself (events lost,
 * a torn line removed) and are always kept, so the log cannot be configured to hide its own gaps.
 */
public enum AuditCategory {
    /** Collections and keys: create, drop, key management. */
    ADMIN,
    /** Rows written or deleted. */
    WRITE,
    /** Searches and gets. */
    READ,
    /** Authentication attempts, successful or not. */
    AUTH,
    /** Written by the audit log about itself; not a level, always written. */
    SYSTEM;

    /** The categories {@code audit.levels} may list, in the order the docs list them. */
    public static final List<AuditCategory> LEVELS = List.of(ADMIN, WRITE, READ, AUTH);

    /** As it appears in the log and the config: {@code admin}, {@code write}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
