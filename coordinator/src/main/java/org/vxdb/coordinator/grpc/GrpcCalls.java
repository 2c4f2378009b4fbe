package org.vxdb.coordinator.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.MDC;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.service.grpc.RequestIdInterceptor;

/** What every gRPC adapter method does around its core call: build the context, answer, or fail. */
final class GrpcCalls {

    static final String PROTOCOL = "grpc";

    private GrpcCalls() {
    }

    /**
     * The core context of the current call: its deadline (the {@code DeadlineInterceptor} gives every
     * call one), the request id the {@link RequestIdInterceptor} put in the MDC, and the caller that
     * the {@link CallerInterceptor} put in the gRPC context.
     */
    static CallContext context(Duration fallbackDeadline) {
        // gRPC handlers run on the server's worker threads, which may block.
        return transportContext(fallbackDeadline).onBlockingThread();
    }

    /**
     * The call's context for a handler the server runs on its transport thread
     * ({@link GrpcVectorAdapter#calls}): the core must not block on it.
     */
    static CallContext transportContext(Duration fallbackDeadline) {
        Deadline d = Context.current().getDeadline();
        Duration left = d == null ? fallbackDeadline : Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS));
        Caller caller = CallerInterceptor.CALLER.get();
        return CallContext.of(caller == null ? Caller.anonymous("unknown", PROTOCOL) : caller,
                MDC.get(RequestIdInterceptor.MDC_KEY), left);
    }

    /** Sends the future's result (mapped) or its failure as the call's status. */
    static <T, R> void answer(CompletableFuture<T> call, Function<T, R> encode, StreamObserver<R> out) {
        call.whenComplete((result, failure) -> {
            if (out instanceof ServerCallStreamObserver<R> server && server.isCancelled()) {
                return; // the client is gone (cancelled or past its deadline): nobody to answer
            }
            if (failure != null) {
                out.onError(GrpcErrors.toStatus(failure));
                return;
            }
            R response;
            try {
                response = encode.apply(result);
            } catch (RuntimeException e) {
                out.onError(GrpcErrors.toStatus(e));
                return;
            }
            out.onNext(response);
            out.onCompleted();
        });
    }
}
