package org.vxdb.coordinator.backup;

import java.io.Serial;

/** A backup or restore that cannot go on; the message is one line for the operator. */
public final class BackupException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
