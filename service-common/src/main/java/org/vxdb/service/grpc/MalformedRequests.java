package org.vxdb.service.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers a request whose bytes are not a valid message (garbage, a truncated message, a filter
 * nested past protobuf's recursion limit) with {@code INVALID_ARGUMENT} and the parser's reason.
 * grpc-java parses a request before any interceptor sees it and answers a parse failure with
 * {@code UNKNOWN: Application error processing RPC} (logged at SEVERE); so the service takes its
 * requests as bytes ({@link ServerInterceptors#useInputStreamMessages}), and this interceptor, the
 * innermost, watches the parse that then happens when the message reaches the service.
 */
public final class MalformedRequests implements ServerInterceptor {

    /** The service with its requests parsed behind this interceptor; {@code outer} run before it, outermost last. */
    public static ServerServiceDefinition wrap(ServerServiceDefinition service, ServerInterceptor... outer) {
        ServerInterceptor[] all = new ServerInterceptor[outer.length + 1];
        all[0] = new MalformedRequests();
        System.arraycopy(outer, 0, all, 1, outer.length);
        return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), all);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        AtomicBoolean refused = new AtomicBoolean();
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(Q message) {
                if (refused.get()) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    InvalidProtocolBufferException bad = cause(e);
                    if (bad == null || !(message instanceof InputStream)) {
                        throw e;
                    }
                    refused.set(true);
                    call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                            + call.getMethodDescriptor().getBareMethodName() + " request: " + bad.getMessage()),
                            new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused.get()) {
                    super.onHalfClose();
                }
            }
        };
    }

    private static InvalidProtocolBufferException cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidProtocolBufferException e) {
                return e;
            }
        }
        return null;
    }
}
