package org.vxdb.service.config;

import java.nio.file.Path;

/**
 * An invalid configuration file (node, coordinator or topology). The message names the field and the reason, e.g.
 * {@code grpc.max_batch_rows: 0 is invalid: use 1-100000}, prefixed with the file when one was
 * loaded: {@code /etc/vxdb/node.yaml: grpc.max_batch_rows: ...}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same error, prefixed with the file it came from. */
    public ConfigException inFile(Path file) {
        return new ConfigException(file + ": " + getMessage(), this);
    }
}
