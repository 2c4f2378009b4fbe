package org.vxdb.coordinator.grpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import org.vxdb.coordinator.CoordinatorMetrics;

/**
 * {@code connections.max_per_listener} on the gRPC listener. grpc-java gives no hook to refuse a
 * connection, so a connection beyond the limit is marked when it becomes ready and every call on
 * it is refused with RESOURCE_EXHAUSTED before any of it is read (health checks excepted), until the
 * client reconnects while there is room. Register it both as the server's transport filter and as an
 * interceptor of every service.
 */
public final class ConnectionLimit extends ServerTransportFilter implements ServerInterceptor {

    private static final Attributes.Key<Boolean> COUNTED = Attributes.Key.create("vxdb-connection-counted");
    private static final Attributes.Key<Boolean> OVER = Attributes.Key.create("vxdb-connection-over-limit");

    private final int max;
    private final CoordinatorMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimit(int max, CoordinatorMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    @Override
    public Attributes transportReady(Attributes attributes) {
        Attributes.Builder b = attributes.toBuilder().set(COUNTED, true);
        metrics.connectionOpened(GrpcCalls.PROTOCOL);
        if (open.incrementAndGet() > max) {
            metrics.connectionRefused(GrpcCalls.PROTOCOL, "max_connections");
            b.set(OVER, true);
        }
        return b.build();
    }

    @Override
    public void transportTerminated(Attributes attributes) {
        // null when the transport never became ready (e.g. its TLS handshake failed)
        if (attributes != null && Boolean.TRUE.equals(attributes.get(COUNTED))) {
            open.decrementAndGet();
            metrics.connectionClosed(GrpcCalls.PROTOCOL);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (Boolean.TRUE.equals(call.getAttributes().get(OVER))) {
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("coordinator is at its limit of " + max
                    + " gRPC connections (connections.max_per_listener); reconnect later"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
