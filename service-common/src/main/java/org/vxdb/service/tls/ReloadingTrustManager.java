package org.vxdb.service.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the certificates of a CA bundle, which can be replaced while connections are being made:
 * each check goes to the JDK's PKIX trust manager built from the bundle current at that moment.
 * Endpoint identification (hostname verification) is the JDK's, driven by the SSL parameters of the
 * socket or engine, so every overload passes its socket or engine on.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {

    private volatile X509ExtendedTrustManager delegate;
    private volatile List<X509Certificate> authorities;

    public ReloadingTrustManager(List<X509Certificate> authorities, Path file) {
        this.delegate = pkix(authorities, file);
        this.authorities = List.copyOf(authorities);
    }

    /** Checks from now on trust {@code newAuthorities} (read from {@code file}, named in errors) instead. */
    public synchronized void replace(List<X509Certificate> newAuthorities, Path file) {
        X509ExtendedTrustManager next = pkix(newAuthorities, file);
        authorities = List.copyOf(newAuthorities);
        delegate = next;
    }

    /** The trusted certificates, as read from the bundle. */
    public List<X509Certificate> authorities() {
        return authorities;
    }

    private static X509ExtendedTrustManager pkix(List<X509Certificate> authorities, Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsMaterialException(file + ": cannot be used as trusted certificates: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
