package org.vxdb.coordinator.core;

import java.util.Objects;

/**
 * Who is calling, as an adapter established it: the principal (a key id, or {@code anonymous}
 * while no authentication is configured), the remote address and the protocol. Logged and
 * audited; never a secret.
 */
public record Caller(String principal, String remoteAddress, String protocol) {

    public static final String ANONYMOUS = "anonymous";

    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(protocol, "protocol");
    }

    public static Caller anonymous(String remoteAddress, String protocol) {
        return new Caller(ANONYMOUS, remoteAddress, protocol);
    }
}
