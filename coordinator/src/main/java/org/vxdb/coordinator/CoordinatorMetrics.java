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
