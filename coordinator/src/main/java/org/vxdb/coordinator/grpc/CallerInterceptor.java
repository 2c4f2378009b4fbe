package org.vxdb.coordinator.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;
import org.slf4j.MDC;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.security.Security;
import org.vxdb.service.grpc.RequestIdInterceptor;

/**
 * Authenticates each call from its {@code authorization: Bearer <key or token>} metadata and puts
 * the {@link Caller} in the gRPC context; a call without valid credentials (when security is on)
 * ends with UNAUTHENTICATED before its request is read.
 */
public final class CallerInterceptor implements ServerInterceptor {

    static final Context.Key<Caller> CALLER = Context.key("vxdb-caller");
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final Security security;

    public CallerInterceptor(Security security) {
        this.security = security;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Caller caller;
        try {
            caller = security.authenticate(Security.bearer(headers.get(AUTHORIZATION)), Connection.address(remote),
                    GrpcCalls.PROTOCOL, MDC.get(RequestIdInterceptor.MDC_KEY));
        } catch (VxdbException e) {
            call.close(GrpcErrors.code(e.code()).withDescription(e.getMessage()), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }
}
