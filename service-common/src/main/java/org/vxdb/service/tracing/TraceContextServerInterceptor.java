package org.vxdb.service.tracing;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Makes the trace context a call's headers carry current in every callback of the call (gRPC may
 * run each on another thread), so that spans the handler starts are children of the caller's.
 */
final class TraceContextServerInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Context parent = Tracing.propagator().extract(Context.root(), headers, GrpcMetadataCarrier.INSTANCE);
        ServerCall.Listener<Q> delegate;
        try (Scope ignored = parent.makeCurrent()) {
            delegate = next.startCall(call, headers);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try (Scope ignored = parent.makeCurrent()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (Scope ignored = parent.makeCurrent()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                try (Scope ignored = parent.makeCurrent()) {
                    super.onCancel();
                }
            }

            @Override
            public void onComplete() {
                try (Scope ignored = parent.makeCurrent()) {
                    super.onComplete();
                }
            }

            @Override
            public void onReady() {
                try (Scope ignored = parent.makeCurrent()) {
                    super.onReady();
                }
            }
        };
    }
}
