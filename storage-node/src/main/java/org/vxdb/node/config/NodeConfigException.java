package org.vxdb.node.config;

import java.nio.file.Path;

/**
 * An invalid node configuration. The message names the field and the reason, e.g.
 * {@code grpc.max_batch_rows: 0 is invalid: use 1-100000}, prefixed with the file when one was
 * loaded: {@code /etc/vxdb/node.yaml: grpc.max_batch_rows: ...}.
 */
public final class NodeConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NodeConfigException(String message) {
        super(message);
    }

    public NodeConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same error, prefixed with the file it came from. */
    NodeConfigException inFile(Path file) {
        return new NodeConfigException(file + ": " + getMessage(), this);
    }
}
