package org.vxdb.service.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives a unary request without a client deadline the node's default one, so a request queued
 * behind a slow disk gives up (DEADLINE_EXCEEDED, nothing written) instead of waiting forever.
 * Streams are left alone: they live as long as the client keeps them.
 */
public final class DeadlineInterceptor implements ServerInterceptor {

    private final long nanos;
    private final ScheduledExecutorService scheduler;

    public DeadlineInterceptor(Duration defaultDeadline, ScheduledExecutorService scheduler) {
        this.nanos = defaultDeadline.toNanos();
        this.scheduler = scheduler;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Context current = Context.current();
        if (current.getDeadline() != null || !call.getMethodDescriptor().getType().clientSendsOneMessage()
                || !call.getMethodDescriptor().getType().serverSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        Context.CancellableContext withDeadline = current.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS, scheduler);
        return Contexts.interceptCall(withDeadline, call, headers, next);
    }
}
