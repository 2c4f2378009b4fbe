package org.vxdb.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.service.metrics.ServiceMetrics;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.DevCerts;
import org.vxdb.service.tls.JdkTls;
import org.vxdb.service.tls.TlsMaterial;

class OpsHttpServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsHttpServer server, String path, String method) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldReportAliveAlwaysAndReadyOnlyOnceReady() throws Exception {
        AtomicReference<String> notReady = new AtomicReference<>("opening storage");
        AtomicBoolean alive = new AtomicBoolean(true);
        try (OpsHttpServer server = OpsHttpServer.start(new InetSocketAddress("127.0.0.1", 0), new ServiceMetrics(),
                notReady::get, alive::get)) {
            assertEquals(200, get(server, "/healthz", "GET").statusCode());
            HttpResponse<String> before = get(server, "/readyz", "GET");
            assertEquals(503, before.statusCode());
            assertEquals("not ready: opening storage\n", before.body());
            notReady.set(null);
            HttpResponse<String> after = get(server, "/readyz", "GET");
            assertEquals(200, after.statusCode());
            assertEquals("ready\n", after.body());
            alive.set(false);
            assertEquals("shutting down\n", get(server, "/healthz", "GET").body());
        }
    }

    @Test
    void shouldServeMetricsAndRefuseOtherMethodsAndPaths() throws Exception {
        ServiceMetrics metrics = new ServiceMetrics();
        metrics.ready(true);
        try (OpsHttpServer server = OpsHttpServer.start(new InetSocketAddress("127.0.0.1", 0), metrics, () -> null,
                () -> true)) {
            HttpResponse<String> scrape = get(server, "/metrics", "GET");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            assertTrue(scrape.body().contains("vxdb_ready 1.0"), scrape.body());
            HttpResponse<String> post = get(server, "/metrics", "POST");
            assertEquals(405, post.statusCode());
            assertEquals("method POST not allowed: use GET\n", post.body());
            assertEquals(404, get(server, "/nope", "GET").statusCode());
        }
    }

    @Test
    void shouldServeHttpsWithTheMaterialsCertificateAndRefusePlaintext(@TempDir Path dir) throws Exception {
        DevCerts certs = DevCerts.make(dir, "server");
        ServiceMetrics metrics = new ServiceMetrics();
        try (TlsMaterial tls = certs.material("server");
             OpsHttpServer server = OpsHttpServer.start(new InetSocketAddress("127.0.0.1", 0),
                     JdkTls.server(tls, ClientAuth.NONE), metrics, () -> null, () -> true)) {
            metrics.registerTls(tls);
            assertTrue(server.isTls());
            HttpClient https = HttpClient.newBuilder().sslContext(certs.trustingContext()).build();
            URI uri = URI.create("https://127.0.0.1:" + server.address().getPort() + "/healthz");
            HttpResponse<String> ok = https.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals(certs.serial("server"),
                    ((X509Certificate) ok.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber());
            assertEquals("TLSv1.3", ok.sslSession().orElseThrow().getProtocol());

            assertThrows(IOException.class, () -> get(server, "/healthz", "GET"));

            HttpResponse<String> scrape = https.send(HttpRequest.newBuilder(uri.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(scrape.body().contains("vxdb_tls_reloads_total 0.0"), scrape.body());
            assertTrue(scrape.body().contains("vxdb_tls_certificate_expiry_timestamp_seconds "), scrape.body());
        }
    }
}
