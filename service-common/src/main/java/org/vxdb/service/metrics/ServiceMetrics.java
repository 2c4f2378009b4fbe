package org.vxdb.service.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import org.vxdb.service.tls.TlsMaterial;

/**
 * The metrics every VxDB server exports (gRPC calls, readiness, the JVM), in a registry of its
 * own so that several servers in one JVM (as in tests) do not share counters. A server adds its
 * own metrics to {@link #registry()}. Names follow Prometheus conventions: {@code _total}
 * counters, {@code _seconds} histograms, {@code _bytes} sizes.
 */
public final class ServiceMetrics {

    /** Request latencies from 100 us to 30 s. */
    public static final double[] REQUEST_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter requests = Counter.builder().name("vxdb_grpc_requests_total")
            .help("gRPC requests finished, by method and status code").labelNames("method", "code").register(registry);
    private final Histogram requestSeconds = Histogram.builder().name("vxdb_grpc_request_duration_seconds")
            .help("gRPC request latency from arrival to close, by method").labelNames("method")
            .classicOnly().classicUpperBounds(REQUEST_BUCKETS).register(registry);
    private final Gauge inFlight = Gauge.builder().name("vxdb_grpc_requests_in_flight")
            .help("gRPC requests admitted and not yet finished").register(registry);
    private final Counter rejected = Counter.builder().name("vxdb_grpc_requests_rejected_total")
            .help("gRPC requests refused with RESOURCE_EXHAUSTED because the server was at its request limit")
            .register(registry);
    private final Gauge ready = Gauge.builder().name("vxdb_ready")
            .help("1 when the server takes requests, else 0 (starting or shutting down)").register(registry);

    public ServiceMetrics() {
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void requestStarted() {
        inFlight.inc();
    }

    public void requestFinished(String method, String code, long nanos) {
        inFlight.dec();
        requests.labelValues(method, code).inc();
        requestSeconds.labelValues(method).observe(nanos / 1e9);
    }

    public void requestRejected() {
        rejected.inc();
    }

    public long rejectedRequests() {
        return (long) rejected.get();
    }

    /**
     * Exports the state of a server's TLS material: {@code vxdb_tls_reloads_total} (new certificates
     * or CA bundles swapped in), {@code vxdb_tls_reload_failures_total} (new files that could not be
     * used), and {@code vxdb_tls_certificate_expiry_timestamp_seconds} of the certificate new
     * connections get, to alert on before it expires.
     */
    public void registerTls(TlsMaterial tls) {
        CounterWithCallback.builder().name("vxdb_tls_reloads_total")
                .help("TLS certificates or CA bundles reloaded from changed files without a restart")
                .callback(callback -> callback.call(tls.reloads())).register(registry);
        CounterWithCallback.builder().name("vxdb_tls_reload_failures_total")
                .help("changed TLS files that could not be loaded (the current certificate was kept)")
                .callback(callback -> callback.call(tls.failures())).register(registry);
        GaugeWithCallback.builder().name("vxdb_tls_certificate_expiry_timestamp_seconds")
                .help("when the certificate presented to new connections expires, in seconds since the epoch")
                .callback(callback -> callback.call(tls.certificate().getNotAfter().getTime() / 1000.0))
                .register(registry);
    }

    public void ready(boolean isReady) {
        ready.set(isReady ? 1 : 0);
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** Writes the text exposition of every metric in the registry. */
    public void scrape(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
