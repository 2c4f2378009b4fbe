package org.vxdb.service.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.service.metrics.ServiceMetrics;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.JdkTls;

/**
 * A server's operations endpoints over HTTP (or HTTPS, with {@code tls.http: true}), for Kubernetes
 * probes and Prometheus:
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process is up and not shutting down (liveness)
 *   <li>{@code GET /readyz}: 200 once the server takes requests (for a storage node: WAL
 *       replayed, segments and indexes loaded), 503 with the reason before that and while draining
 *   <li>{@code GET /metrics}: the Prometheus text exposition
 * </ul>
 */
public final class OpsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code address}. {@code notReadyReason} answers null when the server is
     * ready; {@code alive} is false once shutdown has finished.
     */
    public static OpsHttpServer start(InetSocketAddress address, ServiceMetrics metrics, Supplier<String> notReadyReason,
                                       Supplier<Boolean> alive) throws IOException {
        return start(address, null, metrics, notReadyReason, alive);
    }

    /**
     * Starts serving on {@code address}, over HTTPS with {@code tls} (TLS 1.3 and 1.2, no client
     * certificates asked: probes and scrapers have none), or plain HTTP when it is null.
     */
    public static OpsHttpServer start(InetSocketAddress address, SSLContext tls, ServiceMetrics metrics,
                                       Supplier<String> notReadyReason, Supplier<Boolean> alive) throws IOException {
        HttpServer server = tls == null ? HttpServer.create(address, 64) : https(address, tls);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "vxdb-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", ex -> respond(ex, alive.get() ? 200 : 503,
                alive.get() ? "ok\n" : "shutting down\n"));
        server.createContext("/readyz", ex -> {
            String reason = notReadyReason.get();
            respond(ex, reason == null ? 200 : 503, reason == null ? "ready\n" : "not ready: " + reason + "\n");
        });
        server.createContext("/metrics", ex -> scrape(ex, metrics));
        server.createContext("/", ex -> respond(ex, 404, "not found: try /healthz, /readyz or /metrics\n"));
        server.start();
        return new OpsHttpServer(server, executor);
    }

    private static HttpsServer https(InetSocketAddress address, SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(address, 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(JdkTls.parameters(tls, ClientAuth.NONE));
            }
        });
        return server;
    }

    /** Whether it serves HTTPS. */
    public boolean isTls() {
        return server instanceof HttpsServer;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void scrape(HttpExchange ex, ServiceMetrics metrics) throws IOException {
        if (!checkGet(ex)) {
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            metrics.scrape(body);
        } catch (IOException | RuntimeException e) {
            LOG.error("metrics scrape failed", e);
            respond(ex, 500, "scrape failed: " + e + "\n");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", metrics.contentType());
        send(ex, 200, body.toByteArray());
    }

    private static void respond(HttpExchange ex, int status, String text) throws IOException {
        if (!checkGet(ex)) {
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(ex, status, text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean checkGet(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, ("method " + method + " not allowed: use GET\n").getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        try (ex) {
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
