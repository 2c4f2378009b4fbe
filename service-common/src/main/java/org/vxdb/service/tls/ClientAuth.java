package org.vxdb.service.tls;

/**
 * Whether a TLS server asks its clients for a certificate. A certificate a client does present
 * must chain to the configured CA ({@code tls.ca_file}) in both {@link #OPTIONAL} and {@link #REQUIRE}.
 */
public enum ClientAuth {
    /** Clients are not asked for a certificate (they authenticate otherwise, e.g. with API keys). */
    NONE,
    /** Clients are asked; one without a certificate is accepted. */
    OPTIONAL,
    /** A client without a certificate from the CA is refused during the handshake (mutual TLS). */
    REQUIRE
}
