package org.vxdb.service.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    @TempDir
    Path dir;

    @Test
    void shouldSwapInRenewedFilesAndKeepTheCurrentMaterialWhenNewFilesAreBad() throws IOException {
        DevCerts certs = DevCerts.make(dir, "server");
        try (TlsMaterial tls = certs.material("server")) {
            BigInteger first = certs.serial("server");
            assertEquals(first, tls.certificate().getSerialNumber());
            assertFalse(tls.checkForChanges(), "nothing changed");

            certs.renew("server");
            BigInteger second = certs.serial("server");
            assertNotEquals(first, second);
            assertTrue(tls.checkForChanges());
            assertEquals(second, tls.certificate().getSerialNumber());
            assertEquals(1, tls.reloads());
            assertEquals(0, tls.failures());

            // a half-written key: kept; reported once it is still there at the next check, and only once
            Path goodKey = Files.copy(certs.key("server"), dir.resolve("good.key"));
            Files.writeString(certs.key("server"), "-----BEGIN PRIVATE KEY-----\nMIGH");
            assertFalse(tls.checkForChanges());
            assertEquals(0, tls.failures());
            assertFalse(tls.checkForChanges());
            assertFalse(tls.checkForChanges());
            assertEquals(1, tls.failures());
            assertEquals(second, tls.certificate().getSerialNumber());

            // certificate renewed, key not yet: kept, not a failure, and loaded once the key arrives
            Path renewing = DevCerts.make(dir.resolve("next"), "server").dir();
            Files.copy(renewing.resolve("server.pem"), certs.cert("server"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(goodKey, certs.key("server"), StandardCopyOption.REPLACE_EXISTING);
            assertFalse(tls.checkForChanges());
            Files.copy(renewing.resolve("server.key"), certs.key("server"), StandardCopyOption.REPLACE_EXISTING);
            assertTrue(tls.checkForChanges());
            assertEquals(2, tls.reloads());
            assertEquals(1, tls.failures());
            assertEquals(PemFiles.readCertificates(renewing.resolve("server.pem")).getFirst(), tls.certificate());

            // a CA bundle that disappears (a secret being replaced): kept, reported at the second check
            Files.delete(certs.ca());
            assertFalse(tls.checkForChanges());
            assertFalse(tls.checkForChanges());
            assertEquals(2, tls.failures());
            assertEquals(1, tls.trustManager().getAcceptedIssuers().length);
        }
    }

    @Test
    void shouldTrustANewCaBundleOnceItIsReloaded() throws Exception {
        DevCerts certs = DevCerts.make(dir.resolve("a"), "server");
        DevCerts other = DevCerts.make(dir.resolve("b"), "client");
        try (TlsMaterial server = certs.material("server");
             // a client of the other CA that trusts the server's
             TlsMaterial client = TlsMaterial.load(other.cert("client"), other.key("client"), certs.ca());
             Handshakes handshakes = new Handshakes(server, ClientAuth.REQUIRE)) {
            SSLContext clientContext = JdkTls.client(client);
            assertThrows(IOException.class, () -> handshakes.connect(clientContext));

            Files.writeString(certs.ca(), Files.readString(certs.ca()) + Files.readString(other.ca()));
            assertTrue(server.checkForChanges());
            assertEquals(2, server.trustManager().getAcceptedIssuers().length);
            assertEquals(certs.serial("server"), handshakes.connect(clientContext).getSerialNumber());
        }
    }

    @Test
    void shouldPresentTheNewCertificateToNewConnectionsAfterAReload() throws Exception {
        DevCerts certs = DevCerts.make(dir, "server", "client");
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try (TlsMaterial server = certs.material("server");
             TlsMaterial client = certs.material("client");
             Handshakes handshakes = new Handshakes(server, ClientAuth.REQUIRE)) {
            SSLContext clientContext = JdkTls.client(client);
            BigInteger before = certs.serial("server");
            assertEquals(before, handshakes.connect(clientContext).getSerialNumber());
            server.startReloading(timers, Duration.ofMillis(20));
            certs.renew("server");
            BigInteger after = certs.serial("server");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.reloads() == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "the renewed files were not reloaded within 60 s");
                Thread.sleep(5);
            }
            assertEquals(after, handshakes.connect(clientContext).getSerialNumber());
            assertEquals(0, server.failures());
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void shouldNameTheFirstFileThatCannotBeUsed() {
        DevCerts certs = DevCerts.make(dir, "server");
        Path missing = dir.resolve("none.pem");
        assertEquals(missing + ": no such file", assertThrows(TlsMaterialException.class,
                () -> TlsMaterial.load(certs.cert("server"), certs.key("server"), missing)).getMessage());
    }

    /** A JDK TLS server socket that answers each connection with nothing but the handshake. */
    static final class Handshakes implements AutoCloseable {
        private final SSLServerSocket socket;
        private final CompletableFuture<Void> acceptor;

        Handshakes(TlsMaterial material, ClientAuth clientAuth) throws IOException {
            SSLContext context = JdkTls.server(material, clientAuth);
            socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                    InetAddress.getLoopbackAddress());
            socket.setSSLParameters(JdkTls.parameters(context, clientAuth));
            acceptor = CompletableFuture.runAsync(this::serve);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (SSLSocket s = (SSLSocket) socket.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (IOException e) {
                    // a refused handshake, or the socket closed: next connection
                }
            }
        }

        /** A new connection with {@code client}; the server's leaf certificate as the client saw it. */
        X509Certificate connect(SSLContext client) throws IOException {
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    socket.getLocalPort())) {
                s.setSSLParameters(JdkTls.parameters(client, ClientAuth.NONE));
                s.startHandshake();
                assertEquals(1, s.getInputStream().read());
                return (X509Certificate) s.getSession().getPeerCertificates()[0];
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            acceptor.join();
        }
    }
}
