package org.vxdb.service.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.vxdb.service.config.ConfigTesting;

/**
 * Certificates for tests, made by the real {@code ops/security/dev-certs.sh} (openssl) in a
 * directory of the test's: a CA ({@code ca.pem}) and, per name, {@code NAME.pem} + {@code NAME.key}
 * (EC P-256, SAN localhost and 127.0.0.1). In the service-common test-jar, for every module's TLS tests.
 */
public record DevCerts(Path dir) {

    /** Makes a CA and certificates for {@code names} (default: node-1..3, coordinator, client) in {@code dir}. */
    public static DevCerts make(Path dir, String... names) {
        DevCerts certs = new DevCerts(dir);
        certs.run(List.of(), names);
        return certs;
    }

    /** Issues new certificates and keys for {@code names} from the same CA (rotation), as the script's --renew does. */
    public DevCerts renew(String... names) {
        run(List.of("--renew"), names);
        return this;
    }

    private void run(List<String> options, String... names) {
        List<String> command = new ArrayList<>(List.of("bash", script().toString(), dir.toString()));
        command.addAll(options);
        command.addAll(List.of(names));
        String out = DevCerts.exec(command);
        if (!out.contains("dev-certs: ")) {
            fail("dev-certs.sh printed nothing: " + command);
        }
    }

    /** The script in the repository. */
    public static Path script() {
        return ConfigTesting.repoFile("ops/security/dev-certs.sh");
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** The certificate's serial number as the script's --renew changes it. */
    public BigInteger serial(String name) {
        return PemFiles.readCertificates(cert(name)).getFirst().getSerialNumber();
    }

    /** The three files of {@code name}, loaded (not reloading: the test calls checkForChanges). */
    public TlsMaterial material(String name) {
        return TlsMaterial.load(cert(name), key(name), ca());
    }

    /** A JDK client context that trusts the CA and presents no certificate (as curl --cacert does). */
    public SSLContext trustingContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", PemFiles.readCertificates(ca()).getFirst());
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new AssertionError("cannot trust " + ca() + ": " + e, e);
        }
    }

    /** A JDK client context that trusts the CA and presents {@code name}'s certificate (mutual TLS). */
    public SSLContext clientContext(String name) {
        return JdkTls.client(material(name));
    }

    /** A {@code tls:} section for {@code name} with absolute paths, then {@code extra} lines (indented by 2). */
    public String yaml(String name, String... extra) {
        StringBuilder b = new StringBuilder("tls:\n")
                .append("  cert_file: ").append(cert(name)).append('\n')
                .append("  key_file: ").append(key(name)).append('\n')
                .append("  ca_file: ").append(ca()).append('\n');
        for (String line : extra) {
            b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }

    /** Runs a command (openssl, the script) to its end; its standard output, or a failed assertion with both streams. */
    public static String exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish within 120 s");
            }
            assertEquals(0, p.exitValue(), () -> command + " failed: " + out + err.join());
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
