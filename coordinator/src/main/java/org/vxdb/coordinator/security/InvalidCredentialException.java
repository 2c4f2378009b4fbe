package org.vxdb.coordinator.security;

/** A credential was sent but is not valid; the message says why, never echoing a secret. */
final class InvalidCredentialException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidCredentialException(String message) {
        super(message);
    }
}
