package org.vxdb.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.vxdb.service.metrics.ServiceMetrics;

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
}
