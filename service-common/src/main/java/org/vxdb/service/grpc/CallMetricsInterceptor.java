package org.vxdb.service.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.service.metrics.ServiceMetrics;

/**
 * Counts every call by method and status code, times it from arrival to close, and logs failed
 * calls (with the request id from the MDC) so an operator can find them.
 */
public final class CallMetricsInterceptor implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger("org.vxdb.requests");

    private final ServiceMetrics metrics;

    public CallMetricsInterceptor(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        long start = System.nanoTime();
        AtomicBoolean finished = new AtomicBoolean();
        metrics.requestStarted();
        ServerCall<Q, R> timed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (finished.compareAndSet(false, true)) {
                    metrics.requestFinished(method, status.getCode().name(), System.nanoTime() - start);
                    if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
                        LOG.info("{} failed: {} {}", method, status.getCode(), status.getDescription());
                    }
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(timed, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                // The client went away (or its deadline passed) before the call was closed.
                if (finished.compareAndSet(false, true)) {
                    metrics.requestFinished(method, Status.Code.CANCELLED.name(), System.nanoTime() - start);
                }
                super.onCancel();
            }
        };
    }
}
