package org.vxdb.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** One connection at a time to a TLS (or plaintext) listener, with JDK clients, for the TLS tests. */
final class TlsProbe {

    private TlsProbe() {
    }

    /** What one new TLS connection got: the reply and the server certificate's serial. */
    record Answer(String reply, BigInteger serial) {
    }

    /** A new TLS connection to the RESP port (host name verified) that sends PING; the first reply line. */
    static Answer respPing(SSLContext client, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                port)) {
            socket.setSoTimeout(30_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String line = readLine(socket.getInputStream());
            return new Answer(line, ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber());
        }
    }

    /** A new HTTPS connection (a new client, so no connection is reused) that GETs {@code path}. */
    static HttpResponse<String> restGet(SSLContext client, int port, String path) throws IOException {
        HttpClient http = HttpClient.newBuilder().sslContext(client).connectTimeout(Duration.ofSeconds(30)).build();
        try (http) {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static BigInteger serial(HttpResponse<?> response) throws IOException {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    /**
     * Sends {@code plaintext} to a TLS port and asserts the server closes the connection without
     * answering in plaintext.
     */
    static void assertPlaintextRefused(int port, String plaintext) throws IOException {
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write(plaintext.getBytes(StandardCharsets.US_ASCII));
            raw.getOutputStream().flush();
            byte[] buffer = new byte[512];
            int n;
            try {
                n = raw.getInputStream().read(buffer);
            } catch (SocketException reset) {
                return; // closed with a reset
            }
            assertEquals(-1, n, () -> "the TLS listener on port " + port + " answered plaintext: "
                    + new String(buffer, 0, 64, StandardCharsets.ISO_8859_1));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
