package org.vxdb.coordinator.core;

import java.util.Objects;
import org.vxdb.coordinator.security.Grants;

/**
 * Who is calling, as an adapter established it: the principal (an API key's id, {@code jwt:<sub>}
 * for a token, or {@code anonymous}), the remote address, the protocol, and what the credential
 * grants. Logged and audited; never a secret.
 *
 * @param grants null while the caller has not authenticated (with security off, the core lets such
 *               a caller do everything)
 */
public record Caller(String principal, String remoteAddress, String protocol, Grants grants) {

    public static final String ANONYMOUS = "anonymous";

    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** A caller that has shown no credential. */
    public static Caller anonymous(String remoteAddress, String protocol) {
        return new Caller(ANONYMOUS, remoteAddress, protocol, null);
    }

    public boolean authenticated() {
        return grants != null;
    }
}
