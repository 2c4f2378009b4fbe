package org.vxdb.service.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.vxdb.service.tls.CertifiedKey;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.PemFiles;
import org.vxdb.service.tls.TlsMaterial;
import org.vxdb.service.tls.TlsMaterialException;

/**
 * The {@code tls:} section of a server's config: its certificate and key, the CA bundle it trusts,
 * how often the files are checked for changes, whether the operations HTTP port is secured too, and
 * (coordinator only) whether its public listeners ask clients for certificates. A storage node
 * always requires client certificates from the CA: that is the cluster's mutual TLS. Absent, the
 * server is plaintext.
 *
 * <p>The files are read and checked when the config is read (each PEM parses, the key is the
 * certificate's), so a bad file fails the start with the field and the reason.
 *
 * @param certFile       PEM certificate chain, the server's own certificate first
 * @param keyFile        its unencrypted PKCS#8 private key, EC or RSA
 * @param caFile         PEM CA bundle: trusted for client certificates and, on a coordinator, for nodes
 * @param reloadInterval how often the three files are checked for changes; zero never
 * @param http           whether the operations port ({@code /healthz}, {@code /readyz}, {@code /metrics})
 *                       serves HTTPS too
 * @param clientAuth     whether TLS clients are asked for a certificate (a node: always REQUIRE)
 */
public record TlsSettings(Path certFile, Path keyFile, Path caFile, Duration reloadInterval, boolean http,
                          ClientAuth clientAuth) {

    public static final Duration RELOAD_INTERVAL_DEFAULT = Duration.ofSeconds(10);
    public static final Duration RELOAD_INTERVAL_MAX = Duration.ofHours(1);
    public static final boolean HTTP_DEFAULT = false;
    /** The coordinator's public listeners: clients authenticate with API keys, not certificates. */
    public static final ClientAuth CLIENT_AUTH_DEFAULT = ClientAuth.NONE;

    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Objects.requireNonNull(clientAuth, "clientAuth");
    }

    /**
     * Reads the {@code tls:} section of a config's top level; null when it is absent.
     *
     * @param baseDir         what relative paths resolve against (the config file's directory)
     * @param withClientAuth  whether the section has {@code client_auth} (the coordinator); without it
     *                        client certificates are required (a storage node)
     */
    public static TlsSettings read(ConfigSection root, Path baseDir, boolean withClientAuth) {
        if (root.value("tls").isAbsent()) {
            return null;
        }
        List<String> fields = withClientAuth
                ? List.of("cert_file", "key_file", "ca_file", "reload_interval", "http", "client_auth")
                : List.of("cert_file", "key_file", "ca_file", "reload_interval", "http");
        ConfigSection tls = root.section("tls", fields.toArray(String[]::new));
        ConfigValue certValue = tls.value("cert_file");
        Path certFile = certValue.required().resolvedPath(baseDir, "file");
        checked(certValue, () -> PemFiles.readCertificates(certFile));
        ConfigValue keyValue = tls.value("key_file");
        Path keyFile = keyValue.required().resolvedPath(baseDir, "file");
        checked(keyValue, () -> CertifiedKey.load(certFile, keyFile));
        ConfigValue caValue = tls.value("ca_file");
        Path caFile = caValue.required().resolvedPath(baseDir, "file");
        checked(caValue, () -> PemFiles.readCertificates(caFile));
        Duration reloadInterval = tls.value("reload_interval").duration(RELOAD_INTERVAL_DEFAULT, Duration.ZERO,
                RELOAD_INTERVAL_MAX);
        boolean http = tls.value("http").bool(HTTP_DEFAULT);
        ClientAuth clientAuth = withClientAuth
                ? tls.value("client_auth").oneOf(CLIENT_AUTH_DEFAULT, ClientAuth.class)
                : ClientAuth.REQUIRE;
        return new TlsSettings(certFile, keyFile, caFile, reloadInterval, http, clientAuth);
    }

    private static void checked(ConfigValue value, Supplier<?> load) {
        try {
            load.get();
        } catch (TlsMaterialException e) {
            throw value.invalid(e.getMessage());
        }
    }

    /**
     * Reads the three files into material for the server's TLS contexts; the caller owns it (and
     * starts its reloading).
     */
    public TlsMaterial loadMaterial() {
        return TlsMaterial.load(certFile, keyFile, caFile);
    }

    public TlsSettings withClientAuth(ClientAuth newClientAuth) {
        return new TlsSettings(certFile, keyFile, caFile, reloadInterval, http, newClientAuth);
    }

    /** Every setting as {@code tls.<field>=<value>}, for a server's start-up log line. */
    @Override
    public String toString() {
        return "tls.cert_file=" + certFile
                + " tls.key_file=" + keyFile
                + " tls.ca_file=" + caFile
                + " tls.reload_interval=" + DurationText.format(reloadInterval)
                + " tls.http=" + http
                + " tls.client_auth=" + clientAuth.name().toLowerCase(Locale.ROOT);
    }
}
