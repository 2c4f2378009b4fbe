package org.vxdb.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.vxdb.bench.storage.BenchOptions;

/**
 * How the load generator reaches a secured coordinator: the API key every request carries
 * ({@code --api-key KEY} or {@code --api-key-file FILE}; sent to an unsecured coordinator too, which
 * ignores it) and, for targets written {@code KIND=tls://HOST:PORT}, the CA that signed the
 * server's certificate ({@code --tls-ca FILE}, PEM). TLS comes from the JDK provider, as on the server.
 *
 * @param apiKey null: no credential
 * @param caFile null: no TLS target may be used
 */
record ClientSecurity(String apiKey, Path caFile) {

    static final String TLS_SCHEME = "tls://";
    static final ClientSecurity NONE = new ClientSecurity(null, null);

    static ClientSecurity from(BenchOptions options) {
        String key = options.string("api-key", null);
        if (key == null && options.has("api-key-file")) {
            Path f = options.path("api-key-file", null);
            try {
                key = Files.readString(f, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--api-key-file " + f + ": " + e.getMessage(), e);
            }
        }
        return new ClientSecurity(key, options.has("tls-ca") ? options.path("tls-ca", null) : null);
    }

    /** The value of an {@code Authorization} header, or null. */
    String bearer() {
        return apiKey == null ? null : "Bearer " + apiKey;
    }

    /**
     * A client context that trusts the CA file's certificates only.
     *
     * @throws IllegalArgumentException when {@code --tls-ca} is missing or not a PEM certificate file
     */
    SSLContext sslContext(String target) {
        if (caFile == null) {
            throw new IllegalArgumentException("target '" + target + "' uses " + TLS_SCHEME + " but --tls-ca is not"
                    + " given");
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("--tls-ca " + caFile + " holds no certificate");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-ca " + caFile + ": " + e.getMessage(), e);
        }
    }
}
