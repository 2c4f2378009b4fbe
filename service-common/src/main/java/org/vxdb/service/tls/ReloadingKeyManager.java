package org.vxdb.service.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager with one certificate and key that can be replaced while connections are being
 * made: each handshake picks the alias of the material current at that moment and then fetches
 * that alias's chain and key, so a handshake that straddles a {@link #replace} still gets a
 * matching pair (the previous material stays reachable by its alias). Connections made after a
 * replace present the new certificate; open connections keep the one they were made with.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private record Entry(String alias, CertifiedKey material) {
    }

    private final AtomicLong generation = new AtomicLong();
    private volatile Entry current;
    private volatile Entry previous;

    public ReloadingKeyManager(CertifiedKey material) {
        this.current = entry(material);
    }

    /** New handshakes use {@code material} from now on. */
    public synchronized void replace(CertifiedKey material) {
        Entry next = entry(material);
        previous = current;
        current = next;
    }

    /** The material new handshakes use. */
    public CertifiedKey current() {
        return current.material();
    }

    private Entry entry(CertifiedKey material) {
        return new Entry("vxdb-" + generation.incrementAndGet(), material);
    }

    private String aliasFor(String keyType) {
        Entry e = current;
        return keyType != null && keyType.equals(e.material().algorithm()) ? e.alias() : null;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                String alias = aliasFor(keyType);
                if (alias != null) {
                    return alias;
                }
            }
        }
        return null;
    }

    private Entry lookup(String alias) {
        Entry e = current;
        if (e.alias().equals(alias)) {
            return e;
        }
        Entry p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = lookup(alias);
        return e == null ? null : e.material().chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = lookup(alias);
        return e == null ? null : e.material().key();
    }
}
