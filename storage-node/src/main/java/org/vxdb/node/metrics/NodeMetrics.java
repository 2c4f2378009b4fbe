package org.vxdb.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;
import org.vxdb.storage.engine.EngineStats;

/**
 * Every metric a storage node exports, in its own registry (so several nodes in one JVM, as in
 * tests, do not share counters). Names follow Prometheus conventions: {@code _total} counters,
 * {@code _seconds} histograms, {@code _bytes} sizes. docs/operations.md lists them.
 */
public final class NodeMetrics {

    /** Request latencies from 100 us to about 30 s. */
    private static final double[] REQUEST_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** fsync latencies from 50 us to 2.5 s. */
    private static final double[] FSYNC_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    /** Seal and index build times from 1 ms to about 30 min. */
    private static final double[] BUILD_BUCKETS = {0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    final Counter requests = Counter.builder().name("vxdb_grpc_requests_total")
            .help("gRPC requests finished, by method and status code").labelNames("method", "code").register(registry);
    final Histogram requestSeconds = Histogram.builder().name("vxdb_grpc_request_duration_seconds")
            .help("gRPC request latency from arrival to close, by method").labelNames("method")
            .classicOnly().classicUpperBounds(REQUEST_BUCKETS).register(registry);
    final Gauge inFlight = Gauge.builder().name("vxdb_grpc_requests_in_flight")
            .help("gRPC requests admitted and not yet finished").register(registry);
    final Counter rejected = Counter.builder().name("vxdb_grpc_requests_rejected_total")
            .help("gRPC requests refused with RESOURCE_EXHAUSTED because the node was at its request limit")
            .register(registry);
    private final Counter ingested = Counter.builder().name("vxdb_ingest_records_total")
            .help("Records written through the node's APIs, by operation (upsert, delete)").labelNames("op")
            .register(registry);
    private final Counter ingestBatches = Counter.builder().name("vxdb_ingest_batches_total")
            .help("Write batches acknowledged, by API (public, stream, internal)").labelNames("api").register(registry);
    final Histogram walFsyncSeconds = Histogram.builder().name("vxdb_wal_fsync_duration_seconds")
            .help("Time of each WAL fsync").classicOnly().classicUpperBounds(FSYNC_BUCKETS).register(registry);
    final Counter walRecords = Counter.builder().name("vxdb_wal_appended_records_total")
            .help("Records appended to write-ahead logs").register(registry);
    final Counter walBytes = Counter.builder().name("vxdb_wal_appended_bytes_total")
            .help("Payload bytes appended to write-ahead logs").register(registry);
    final Histogram sealSeconds = Histogram.builder().name("vxdb_segment_seal_duration_seconds")
            .help("Time to seal a memory buffer into a segment file").classicOnly()
            .classicUpperBounds(BUILD_BUCKETS).register(registry);
    final Counter sealedRows = Counter.builder().name("vxdb_segment_sealed_rows_total")
            .help("Rows sealed into segment files").register(registry);
    final Histogram indexBuildSeconds = Histogram.builder().name("vxdb_index_build_duration_seconds")
            .help("Time to train and fill a shard index").classicOnly().classicUpperBounds(BUILD_BUCKETS)
            .register(registry);
    final Counter indexBuildFailures = Counter.builder().name("vxdb_index_build_failures_total")
            .help("Index builds that failed (the shard keeps answering by exact scan)").register(registry);
    final Counter compactedRows = Counter.builder().name("vxdb_compaction_removed_rows_total")
            .help("Dead rows removed by compaction").register(registry);
    private final Gauge ready = Gauge.builder().name("vxdb_node_ready")
            .help("1 when the node serves requests (WAL replayed, segments and indexes loaded), else 0")
            .register(registry);

    public NodeMetrics() {
        JvmMetrics.builder().register(registry);
    }

    /** Gauges read from the engine at each scrape; absent (no samples) until the engine is open. */
    public void registerEngineGauges(Supplier<EngineStats> stats) {
        gauge("vxdb_collections", "Open collections", stats, s -> s.collections());
        gauge("vxdb_shards", "Open shards", stats, s -> s.shards());
        gauge("vxdb_vectors", "Live vectors over all shards", stats, s -> s.vectors());
        gauge("vxdb_segments", "Sealed segment files", stats, s -> s.segments());
        gauge("vxdb_buffer_rows", "Rows in the shards' memory buffers", stats, s -> s.bufferedRows());
        gauge("vxdb_buffer_bytes", "Off-heap bytes of rows in the shards' memory buffers", stats,
                s -> s.bufferBytes());
        gauge("vxdb_segment_mapped_bytes", "Bytes of segment files mapped into memory", stats, s -> s.mappedBytes());
        gauge("vxdb_indexed_rows", "Sealed rows covered by an index", stats, s -> s.indexedRows());
        gauge("vxdb_native_memory_used_bytes", "Native memory reserved against the node's budget", stats,
                s -> s.nativeBudgetUsed());
        gauge("vxdb_native_memory_limit_bytes", "The node's native memory budget", stats, s -> s.nativeBudgetLimit());
    }

    private void gauge(String name, String help, Supplier<EngineStats> stats,
                       java.util.function.ToDoubleFunction<EngineStats> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            EngineStats s = stats.get();
            if (s != null) {
                cb.call(value.applyAsDouble(s));
            }
        }).register(registry);
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

    public void ready(boolean isReady) {
        ready.set(isReady ? 1 : 0);
    }

    public void recordsWritten(String op, long n) {
        ingested.labelValues(op).inc(n);
    }

    public void batchAcknowledged(String api) {
        ingestBatches.labelValues(api).inc();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** Writes the text exposition of every metric. */
    public void scrape(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
