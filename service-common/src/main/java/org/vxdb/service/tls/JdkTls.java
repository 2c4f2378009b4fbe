package org.vxdb.service.tls;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * {@link SSLContext}s of the JDK's own TLS stack built from a {@link TlsMaterial}: for the operations
 * HTTP server ({@code com.sun.net.httpserver.HttpsServer}) and for clients written with JDK classes
 * (tests, tools). Whoever uses a context applies {@link #parameters} to its sockets or engines.
 */
public final class JdkTls {

    private JdkTls() {
    }

    /** Presents the material's certificate; trusts its CA bundle when asking clients for one. */
    public static SSLContext server(TlsMaterial material, ClientAuth clientAuth) {
        SSLContext context = context(new KeyManager[] {material.keyManager()},
                clientAuth == ClientAuth.NONE ? null : new TrustManager[] {material.trustManager()});
        context.getServerSessionContext().setSessionTimeout((int) TlsProtocols.SESSION_TIMEOUT_SECONDS);
        return context;
    }

    /** Trusts the material's CA bundle and presents its certificate to servers that ask. */
    public static SSLContext client(TlsMaterial material) {
        return context(new KeyManager[] {material.keyManager()}, new TrustManager[] {material.trustManager()});
    }

    private static SSLContext context(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException("cannot build a JDK TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * TLS 1.3 and 1.2 and {@link TlsProtocols#CIPHER_SUITES} only; for a server, whether it asks for
     * or requires a client certificate.
     */
    public static SSLParameters parameters(SSLContext context, ClientAuth clientAuth) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(TlsProtocols.enabled());
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        parameters.setCipherSuites(TlsProtocols.CIPHER_SUITES.stream().filter(supported::contains)
                .toArray(String[]::new));
        switch (clientAuth) {
            case NONE -> parameters.setNeedClientAuth(false);
            case OPTIONAL -> parameters.setWantClientAuth(true);
            case REQUIRE -> parameters.setNeedClientAuth(true);
        }
        return parameters;
    }
}
