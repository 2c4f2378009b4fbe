package org.vxdb.coordinator.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.ClientRateLimits;
import org.vxdb.coordinator.net.Connection;

/**
 * The per-client rate limit on gRPC calls, shared with the other protocols' listeners: a call over
 * the limit is closed with RESOURCE_EXHAUSTED before any of it is read.
 */
public final class RateLimitInterceptor implements ServerInterceptor {

    private final ClientRateLimits limits;
    private final CoordinatorMetrics metrics;

    public RateLimitInterceptor(ClientRateLimits limits, CoordinatorMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (limits.enabled()) {
            String remote = Connection.address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            try {
                limits.acquire(ClientRateLimits.clientOf(remote));
            } catch (VxdbException e) {
                metrics.rateLimited(GrpcCalls.PROTOCOL);
                call.close(GrpcErrors.code(e.code()).withDescription(e.getMessage()), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        }
        return next.startCall(call, headers);
    }
}
