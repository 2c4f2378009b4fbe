package org.vxdb.coordinator;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.service.metrics.ServiceMetrics;

/**
 * What a coordinator exports besides the shared {@link ServiceMetrics}: calls to each node (latency,
 * outcome), breaker states and transitions, write retries, replica write failures, partial
 * searches. docs/operations.md lists them.
 */
public final class CoordinatorMetrics {

    private final ServiceMetrics service = new ServiceMetrics();
    private final PrometheusRegistry registry = service.registry();

    private final Histogram nodeCallSeconds = Histogram.builder().name("vxdb_coordinator_node_call_duration_seconds")
            .help("Latency of calls to storage nodes, by node and method").labelNames("node", "method")
            .classicOnly().classicUpperBounds(ServiceMetrics.REQUEST_BUCKETS).register(registry);
    private final Counter nodeCalls = Counter.builder().name("vxdb_coordinator_node_calls_total")
            .help("Calls to storage nodes, by node, method and status code (retries counted once each)")
            .labelNames("node", "method", "code").register(registry);
    private final Counter breakerTransitions = Counter.builder().name("vxdb_coordinator_breaker_transitions_total")
            .help("Circuit breaker state changes, by node and new state").labelNames("node", "state")
            .register(registry);
    private final Counter partialSearches = Counter.builder().name("vxdb_coordinator_partial_searches_total")
            .help("Searches answered without some cluster ranges (every replica failed)").register(registry);
    private final Counter writeFailures = Counter.builder().name("vxdb_coordinator_write_failures_total")
            .help("Ids whose write did not reach the consistency level").register(registry);

    private final Counter hintsWritten = Counter.builder().name("vxdb_coordinator_hints_written_total")
            .help("Records kept as hints for a node (its write failed, or its replica window was full), by node")
            .labelNames("node").register(registry);
    private final Counter hintsDropped = Counter.builder().name("vxdb_coordinator_hints_dropped_total")
            .help("Records that could not be kept as hints (the node's hints were full, or the disk refused), by node;"
                    + " anti-entropy repairs them").labelNames("node").register(registry);
    private final Counter hintsReplayed = Counter.builder().name("vxdb_coordinator_hints_replayed_total")
            .help("Hinted records delivered to their node, by node").labelNames("node").register(registry);
    private final Counter hintsDiscarded = Counter.builder().name("vxdb_coordinator_hints_discarded_total")
            .help("Hinted writes the node refused as a request (e.g. the collection was dropped), by node")
            .labelNames("node").register(registry);
    private final Counter windowFull = Counter.builder().name("vxdb_coordinator_replica_window_full_total")
            .help("Replica writes beyond the consistency level that found the node's replica window full and became"
                    + " hints, by node").labelNames("node").register(registry);
    private final Counter readRepairs = Counter.builder().name("vxdb_coordinator_read_repairs_total")
            .help("Records a QUORUM or ALL read found stale or missing on a replica and wrote to it, by node")
            .labelNames("node").register(registry);
    private final Counter repairRangesChecked = Counter.builder().name("vxdb_antientropy_shards_checked_total")
            .help("Shards (collection, cluster) whose replicas the background anti-entropy pass compared")
            .register(registry);
    private final Counter repairRangesSkipped = Counter.builder().name("vxdb_antientropy_shards_skipped_total")
            .help("Shards the background pass skipped because a replica was down or not ready").register(registry);
    private final Counter repairRowsRepaired = Counter.builder().name("vxdb_antientropy_rows_repaired_total")
            .help("Records the background anti-entropy pass streamed to replicas that differed").register(registry);
    private final io.prometheus.metrics.core.metrics.Gauge repairLastPass = io.prometheus.metrics.core.metrics.Gauge
            .builder().name("vxdb_antientropy_last_pass_timestamp_seconds")
            .help("When the last background anti-entropy pass ended (Unix time)").register(registry);
    private final io.prometheus.metrics.core.metrics.Gauge repairLastPassSeconds = io.prometheus.metrics.core.metrics
            .Gauge.builder().name("vxdb_antientropy_last_pass_duration_seconds")
            .help("How long the last background anti-entropy pass took").register(registry);
    private final io.prometheus.metrics.core.metrics.Gauge repairDiffering = io.prometheus.metrics.core.metrics.Gauge
            .builder().name("vxdb_antientropy_differing_shards")
            .help("Shards whose replicas differed in the last background pass").register(registry);

    private final Counter protocolRequests = Counter.builder().name("vxdb_protocol_requests_total")
            .help("Requests answered by the REST, WebSocket and RESP listeners (gRPC: vxdb_grpc_requests_total), by"
                    + " protocol, operation and outcome code").labelNames("protocol", "operation", "code")
            .register(registry);
    private final Histogram protocolSeconds = Histogram.builder().name("vxdb_protocol_request_duration_seconds")
            .help("Latency of REST, WebSocket and RESP requests from decoded to answered, by protocol and operation")
            .labelNames("protocol", "operation").classicOnly().classicUpperBounds(ServiceMetrics.REQUEST_BUCKETS)
            .register(registry);
    private final io.prometheus.metrics.core.metrics.Gauge connections = io.prometheus.metrics.core.metrics.Gauge
            .builder().name("vxdb_protocol_connections").help("Open client connections per protocol listener")
            .labelNames("protocol").register(registry);
    private final Counter connectionsRefused = Counter.builder().name("vxdb_protocol_connections_refused_total")
            .help("Connections refused by a listener, by protocol and reason").labelNames("protocol", "reason")
            .register(registry);
    private final Counter rateLimited = Counter.builder().name("vxdb_protocol_rate_limited_total")
            .help("Requests refused by the per-client rate limit, by protocol").labelNames("protocol")
            .register(registry);

    public ServiceMetrics service() {
        return service;
    }

    /** One finished call to a node (failure null when it succeeded). */
    public void nodeCall(String node, String method, Throwable failure, long nanos) {
        nodeCallSeconds.labelValues(node, method).observe(nanos / 1e9);
        String code = failure == null ? "OK" : CallFailures.status(failure).getCode().name();
        nodeCalls.labelValues(node, method, code).inc();
    }

    public void breakerTransition(String node, CircuitBreaker.StateTransition transition) {
        breakerTransitions.labelValues(node, transition.getToState().name()).inc();
    }

    public void connectionOpened(String protocol) {
        connections.labelValues(protocol).inc();
    }

    public void connectionClosed(String protocol) {
        connections.labelValues(protocol).dec();
    }

    public void connectionRefused(String protocol, String reason) {
        connectionsRefused.labelValues(protocol, reason).inc();
    }

    /** One answered request of a non-gRPC protocol; {@code code} is OK or the core's failure code. */
    public void protocolRequest(String protocol, String operation, String code, long nanos) {
        protocolRequests.labelValues(protocol, operation, code).inc();
        protocolSeconds.labelValues(protocol, operation).observe(nanos / 1e9);
    }

    public void rateLimited(String protocol) {
        rateLimited.labelValues(protocol).inc();
    }

    public void hintWritten(String node, int records) {
        hintsWritten.labelValues(node).inc(records);
    }

    public void hintDropped(String node, int records) {
        hintsDropped.labelValues(node).inc(records);
    }

    public void hintReplayed(String node, int records) {
        hintsReplayed.labelValues(node).inc(records);
    }

    public void hintDiscarded(String node) {
        hintsDiscarded.labelValues(node).inc();
    }

    public void replicaWindowFull(String node) {
        windowFull.labelValues(node).inc();
    }

    public void readRepaired(String node, int records) {
        readRepairs.labelValues(node).inc(records);
    }

    /** One background anti-entropy pass. */
    public void antiEntropyPass(long checked, long skipped, long differing, long rowsRepaired, long nanos) {
        repairRangesChecked.inc(checked);
        repairRangesSkipped.inc(skipped);
        repairRowsRepaired.inc(rowsRepaired);
        repairDiffering.set(differing);
        repairLastPass.set(System.currentTimeMillis() / 1000.0);
        repairLastPassSeconds.set(nanos / 1e9);
    }

    /** Hint bytes waiting per node, and each node's replica window in use, read at each scrape. */
    public void registerReplication(Supplier<NodeClients.View> view, java.util.function.ToLongFunction<String> hintBytes) {
        GaugeWithCallback.builder().name("vxdb_coordinator_hint_bytes")
                .help("Bytes of hints waiting for delivery, per node").labelNames("node")
                .callback(cb -> {
                    for (NodeClient c : view.get().all()) {
                        cb.call(hintBytes.applyAsLong(c.id()), c.id());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("vxdb_coordinator_replica_window_in_use")
                .help("Replica write calls in flight per node (at most write.replica_window)").labelNames("node")
                .callback(cb -> {
                    for (NodeClient c : view.get().all()) {
                        cb.call(c.window().inUse(), c.id());
                    }
                }).register(registry);
    }

    public void partialSearch() {
        partialSearches.inc();
    }

    public void writeFailures(int ids) {
        writeFailures.inc(ids);
    }

    /**
     * Per-node gauges read at each scrape: breaker state (0 closed, 1 half-open, 2 open) and the
     * retries the node's retry policy made.
     */
    public void registerNodeGauges(Supplier<NodeClients.View> view) {
        GaugeWithCallback.builder().name("vxdb_coordinator_breaker_state")
                .help("Circuit breaker state per node: 0 closed, 1 half-open, 2 open").labelNames("node")
                .callback(cb -> {
                    for (NodeClient c : view.get().all()) {
                        cb.call(stateValue(c.breaker().getState()), c.id());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("vxdb_coordinator_write_retries_total")
                .help("Writes to a node that needed retries, per node").labelNames("node")
                .callback(cb -> {
                    for (NodeClient c : view.get().all()) {
                        var m = c.retry().getMetrics();
                        cb.call(m.getNumberOfSuccessfulCallsWithRetryAttempt() + m.getNumberOfFailedCallsWithRetryAttempt(),
                                c.id());
                    }
                }).register(registry);
    }

    private static double stateValue(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
        };
    }

    /** The audit log's counters: lines written, events lost (queue full or I/O), write errors, the chain's sequence. */
    public void registerAudit(org.vxdb.service.audit.AuditLog log) {
        CounterWithCallback.builder().name("vxdb_audit_events_written_total")
                .help("Audit log lines written").callback(cb -> cb.call(log.written())).register(registry);
        CounterWithCallback.builder().name("vxdb_audit_events_dropped_total")
                .help("Audit events lost: the queue stayed full, or the file could not be written")
                .callback(cb -> cb.call(log.dropped())).register(registry);
        CounterWithCallback.builder().name("vxdb_audit_write_errors_total")
                .help("Audit log writes that failed").callback(cb -> cb.call(log.writeErrors())).register(registry);
        GaugeWithCallback.builder().name("vxdb_audit_chain_seq")
                .help("The sequence number of the audit log's last line").callback(cb -> cb.call(log.head().seq()))
                .register(registry);
    }
}
