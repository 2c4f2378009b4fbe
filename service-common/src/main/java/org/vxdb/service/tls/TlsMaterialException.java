package org.vxdb.service.tls;

/**
 * A certificate, key or CA file that cannot be used. The message starts with the file and says
 * what is wrong with it, e.g. {@code /etc/vxdb/node.key: no private key found (expected ...)}.
 */
public final class TlsMaterialException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TlsMaterialException(String message) {
        super(message);
    }

    public TlsMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
