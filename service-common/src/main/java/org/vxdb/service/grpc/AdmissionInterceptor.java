package org.vxdb.service.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests a node holds at once (running on the worker threads plus queued for them).
 * A request beyond the bound is refused with RESOURCE_EXHAUSTED before any of it is read, so
 * nothing is half-written; clients retry with backoff. Health checks are never refused.
 */
public final class AdmissionInterceptor implements ServerInterceptor {

    private final int limit;
    private final int running;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Runnable onReject;

    /** At most {@code running + queued} requests; {@code onReject} counts refusals. */
    public AdmissionInterceptor(int running, int queued, Runnable onReject) {
        this.running = running;
        this.limit = running + queued;
        this.onReject = onReject;
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getServiceName().startsWith("grpc.health")) {
            return next.startCall(call, headers);
        }
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            onReject.run();
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("node is at its limit of " + limit
                    + " requests in flight (" + running + " running, " + (limit - running)
                    + " queued); retry with backoff"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        AtomicBoolean released = new AtomicBoolean();
        ServerCall<Q, R> tracked = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                release(released);
                super.close(status, trailers);
            }
        };
        try {
            ServerCall.Listener<Q> listener = next.startCall(tracked, headers);
            return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onCancel() {
                    release(released);
                    super.onCancel();
                }

                @Override
                public void onComplete() {
                    release(released);
                    super.onComplete();
                }
            };
        } catch (RuntimeException e) {
            release(released);
            throw e;
        }
    }

    private void release(AtomicBoolean released) {
        if (released.compareAndSet(false, true)) {
            inFlight.decrementAndGet();
        }
    }
}
