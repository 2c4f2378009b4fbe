package org.vxdb.coordinator.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * The coordinator's connection to one storage node: a channel, its stubs, and the node's circuit
 * breaker and retry policy. Every call goes through the breaker (so a node that keeps failing is
 * skipped at once instead of timing out again and again); writes also go through the retry,
 * which backs off exponentially with jitter and only retries failures that may pass on a second
 * try. Owned by {@link NodeClients}, which closes it when the node leaves the topology. Over TLS
 * the node's certificate must name the address dialled (a DNS name or IP address in its subject
 * alternative names) and chain to the coordinator's {@code tls.ca_file}; the coordinator presents
 * its own certificate (mutual TLS).
 */
public final class NodeClient implements AutoCloseable {

    private final NodeInfo node;
    private final ManagedChannel channel;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Duration callTimeout;
    private final ScheduledExecutorService scheduler;
    private final ReplicaWindow window;

    /**
     * @param tls          the coordinator's client TLS context for nodes ({@code GrpcTls.client}); null dials plaintext
     * @param traceContext puts the trace context into every call's headers; null when tracing is off
     */
    NodeClient(NodeInfo node, CircuitBreaker breaker, Retry retry, Duration callTimeout,
               ScheduledExecutorService scheduler, int maxMessageBytes, SslContext tls, int replicaWindow,
               ClientInterceptor traceContext) {
        this.node = node;
        this.window = new ReplicaWindow(replicaWindow);
        this.breaker = breaker;
        this.retry = retry;
        this.callTimeout = callTimeout;
        this.scheduler = scheduler;
        NettyChannelBuilder channelBuilder = NettyChannelBuilder.forAddress(node.address().host(),
                node.address().port()).maxInboundMessageSize(maxMessageBytes);
        if (traceContext != null) {
            channelBuilder.intercept(traceContext);
        }
        this.channel = (tls == null ? channelBuilder.usePlaintext() : channelBuilder.sslContext(tls)).build();
    }

    public NodeInfo node() {
        return node;
    }

    public String id() {
        return node.id();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Retry retry() {
        return retry;
    }

    /** The replica write calls this node may have in flight ({@code write.replica_window}). */
    public ReplicaWindow window() {
        return window;
    }

    /** Whether the breaker lets calls through now (closed or half-open). */
    public boolean isAvailable() {
        return breaker.getState() != CircuitBreaker.State.OPEN && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
    }

    public StorageNodeServiceGrpc.StorageNodeServiceFutureStub internal(Duration timeout) {
        return StorageNodeServiceGrpc.newFutureStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public VectorServiceGrpc.VectorServiceFutureStub vectors(Duration timeout) {
        return VectorServiceGrpc.newFutureStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public CollectionServiceGrpc.CollectionServiceFutureStub collections(Duration timeout) {
        return CollectionServiceGrpc.newFutureStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A blocking stub for repair, with the per-call timeout. It waits for the connection (within
     * the timeout) rather than failing at once while a node that just came back is reconnected.
     */
    public StorageNodeServiceGrpc.StorageNodeServiceBlockingStub internalBlocking(Duration timeout) {
        return StorageNodeServiceGrpc.newBlockingStub(channel).withWaitForReady()
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A blocking collection stub with the per-call timeout that waits for the connection (backup, restore). */
    public CollectionServiceGrpc.CollectionServiceBlockingStub internalBlockingCollections() {
        return CollectionServiceGrpc.newBlockingStub(channel).withWaitForReady()
                .withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * An async stub without a deadline that waits for the connection, for the long streams of
     * backup and restore (their callers cancel them).
     */
    public StorageNodeServiceGrpc.StorageNodeServiceStub internalStreaming() {
        return StorageNodeServiceGrpc.newStub(channel).withWaitForReady();
    }

    /**
     * Reconnects now instead of after the channel's reconnect backoff (which grows to minutes while
     * a node is down): called when the breaker starts probing the node again, and before repair.
     */
    public void reconnectNow() {
        channel.resetConnectBackoff();
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** One call through the breaker: fails at once with CallNotPermittedException while it is open. */
    public <T> CompletableFuture<T> call(Function<NodeClient, ListenableFuture<T>> rpc) {
        Supplier<CompletionStage<T>> guarded = breaker.decorateCompletionStage(() -> toCompletable(rpc.apply(this)));
        return guarded.get().toCompletableFuture();
    }

    /**
     * A call outside the breaker, for observing the node (the dashboard's status pages): it is made
     * even while the breaker is open, so a node that came back shows as up before traffic reaches
     * it, and its outcome never moves the breaker.
     */
    public <T> CompletableFuture<T> observe(Function<NodeClient, ListenableFuture<T>> rpc) {
        return toCompletable(rpc.apply(this));
    }

    /** A call through the retry and the breaker: each attempt is a breaker call. */
    public <T> CompletableFuture<T> callWithRetry(Function<NodeClient, ListenableFuture<T>> rpc) {
        Supplier<CompletionStage<T>> attempt = breaker.decorateCompletionStage(() -> toCompletable(rpc.apply(this)));
        return Retry.decorateCompletionStage(retry, scheduler, attempt).get().toCompletableFuture();
    }

    static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> future) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Futures.addCallback(future, new FutureCallback<>() {
            @Override
            public void onSuccess(T result) {
                out.complete(result);
            }

            @Override
            public void onFailure(Throwable t) {
                out.completeExceptionally(t);
            }
        }, MoreExecutors.directExecutor());
        return out;
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
