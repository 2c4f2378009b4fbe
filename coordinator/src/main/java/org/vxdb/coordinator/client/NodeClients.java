package org.vxdb.coordinator.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.tracing.Tracing;

/**
 * The current topology and a {@link NodeClient} per node in it. Replaced as a whole when the
 * topology is reloaded: nodes that stayed at the same address keep their client (and breaker
 * state), new or moved nodes get a new one, and clients of removed nodes are closed.
 */
public final class NodeClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeClients.class);

    private final CoordinatorConfig config;
    private final ScheduledExecutorService scheduler;
    private final BiConsumer<String, CircuitBreaker.StateTransition> onTransition;
    private final SslContext tls;
    private final Tracing tracing;
    private volatile View view;

    /** A topology and the clients of its nodes, always consistent with each other. */
    public record View(Topology topology, Map<String, NodeClient> clients) {
        public NodeClient client(NodeInfo node) {
            NodeClient c = clients.get(node.id());
            if (c == null) {
                throw new IllegalStateException("no client for node " + node.id());
            }
            return c;
        }

        public List<NodeClient> all() {
            return topology.nodes().stream().map(this::client).toList();
        }
    }

    /** Plaintext to every node. */
    public NodeClients(CoordinatorConfig config, Topology topology, ScheduledExecutorService scheduler,
                       BiConsumer<String, CircuitBreaker.StateTransition> onTransition) {
        this(config, topology, scheduler, onTransition, null);
    }

    /** @param tls the client TLS context every node channel uses ({@code GrpcTls.client}); null for plaintext */
    public NodeClients(CoordinatorConfig config, Topology topology, ScheduledExecutorService scheduler,
                       BiConsumer<String, CircuitBreaker.StateTransition> onTransition, SslContext tls) {
        this(config, topology, scheduler, onTransition, tls, Tracing.off());
    }

    /** @param tracing when on, every node call carries the current trace context ({@code traceparent}) */
    public NodeClients(CoordinatorConfig config, Topology topology, ScheduledExecutorService scheduler,
                       BiConsumer<String, CircuitBreaker.StateTransition> onTransition, SslContext tls,
                       Tracing tracing) {
        this.config = config;
        this.tls = tls;
        this.tracing = tracing;
        this.scheduler = scheduler;
        this.onTransition = onTransition;
        this.view = new View(topology, build(topology, Map.of()));
    }

    public View view() {
        return view;
    }

    /** Switches to a new topology (called by the topology watcher). */
    public synchronized void update(Topology topology) {
        View old = view;
        Map<String, NodeClient> clients = build(topology, old.clients());
        view = new View(topology, clients);
        for (Map.Entry<String, NodeClient> e : old.clients().entrySet()) {
            if (clients.get(e.getKey()) != e.getValue()) {
                e.getValue().close();
            }
        }
        LOG.info("now routing by topology: {}", topology.summary());
    }

    private Map<String, NodeClient> build(Topology topology, Map<String, NodeClient> existing) {
        Map<String, NodeClient> clients = new HashMap<>();
        for (NodeInfo node : topology.nodes()) {
            NodeClient kept = existing.get(node.id());
            clients.put(node.id(), kept != null && kept.node().equals(node) ? kept : newClient(node));
        }
        return Map.copyOf(clients);
    }

    private NodeClient newClient(NodeInfo node) {
        CircuitBreaker breaker = CircuitBreaker.of("node-" + node.id(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.breakerWindow())
                .minimumNumberOfCalls(config.breakerMinimumCalls())
                .failureRateThreshold(config.breakerFailureRate())
                .waitDurationInOpenState(config.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(CallFailures::isNodeTrouble)
                // A node refusing for admission is busy, not broken: backpressure, neither failure nor success.
                .ignoreException(CallFailures::isBackpressure)
                .build());
        NodeClient[] client = new NodeClient[1];
        breaker.getEventPublisher().onStateTransition(e -> {
            LOG.warn("node {}: circuit breaker {}", node.id(), e.getStateTransition());
            if (e.getStateTransition().getToState() == CircuitBreaker.State.HALF_OPEN && client[0] != null) {
                client[0].reconnectNow();
            }
            onTransition.accept(node.id(), e.getStateTransition());
        });
        Retry retry = Retry.of("node-" + node.id(), RetryConfig.custom()
                .maxAttempts(config.writeAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(config.retryBackoff(), 2.0, 0.5,
                        config.retryMaxBackoff()))
                .retryOnException(CallFailures::isRetryable)
                .failAfterMaxAttempts(false)
                .build());
        client[0] = new NodeClient(node, breaker, retry, config.callTimeout(), scheduler, config.maxMessageBytes(),
                tls, config.write().replicaWindow(), tracing.enabled() ? tracing.clientInterceptor() : null);
        return client[0];
    }

    @Override
    public synchronized void close() {
        for (NodeClient c : view.clients().values()) {
            c.close();
        }
    }
}
