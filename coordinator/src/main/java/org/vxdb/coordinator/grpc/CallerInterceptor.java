package org.vxdb.coordinator.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.net.Connection;

/** Puts the {@link Caller} of each call (its remote address; anonymous) in the gRPC context. */
public final class CallerInterceptor implements ServerInterceptor {

    static final Context.Key<Caller> CALLER = Context.key("vxdb-caller");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Caller caller = Caller.anonymous(Connection.address(remote), GrpcCalls.PROTOCOL);
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }
}
