package org.vxdb.coordinator.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.client.CallFailures;

/** Runs a unary call's body and turns what it throws into the call's status. */
final class Calls {

    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    @FunctionalInterface
    interface Body<T> {
        T run();
    }

    private Calls() {
    }

    static <T> void unary(StreamObserver<T> out, Body<T> body) {
        T response;
        try {
            response = body.run();
        } catch (RuntimeException e) {
            out.onError(toStatus(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    static StatusRuntimeException toStatus(Throwable t) {
        Throwable cause = CallFailures.unwrap(t);
        return switch (cause) {
            case StatusRuntimeException s -> s;
            case IllegalArgumentException e -> Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            case CompletionException e -> Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException();
            default -> {
                if (cause instanceof io.grpc.StatusException || cause instanceof
                        io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
                    yield CallFailures.status(cause).asRuntimeException();
                }
                LOG.error("internal error", cause);
                yield Status.INTERNAL.withDescription("internal error: " + cause).asRuntimeException();
            }
        };
    }
}
