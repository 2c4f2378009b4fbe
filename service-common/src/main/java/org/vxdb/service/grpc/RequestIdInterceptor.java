package org.vxdb.service.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Carries a request id through every log line of a call: the client's {@code x-request-id}
 * header when it sends a sane one, else a new UUID. The id is put in the logging MDC
 * ({@code request_id}) around each callback of the call and returned in the response headers.
 */
public final class RequestIdInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> REQUEST_ID =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final String MDC_KEY = "request_id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String sent = headers.get(REQUEST_ID);
        String id = saneOrNew(sent);
        ServerCall<Q, R> tagged = new SimpleForwardingServerCall<>(call) {
            private boolean headersSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                headersSent = true;
                responseHeaders.put(REQUEST_ID, id);
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(io.grpc.Status status, Metadata trailers) {
                // A call that fails before any response has no headers: the id travels in the trailers.
                if (!headersSent) {
                    trailers.put(REQUEST_ID, id);
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = withId(id, () -> next.startCall(tagged, headers));
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                withId(id, () -> {
                    super.onMessage(message);
                    return null;
                });
            }

            @Override
            public void onHalfClose() {
                withId(id, () -> {
                    super.onHalfClose();
                    return null;
                });
            }

            @Override
            public void onCancel() {
                withId(id, () -> {
                    super.onCancel();
                    return null;
                });
            }

            @Override
            public void onComplete() {
                withId(id, () -> {
                    super.onComplete();
                    return null;
                });
            }

            @Override
            public void onReady() {
                withId(id, () -> {
                    super.onReady();
                    return null;
                });
            }
        };
    }

    /**
     * The request id a client sent, when it is 1-128 of {@code [A-Za-z0-9._:-]}; else a new UUID.
     * Every protocol of every server takes a client's id by this one rule.
     */
    public static String saneOrNew(String sent) {
        return sent != null && SANE.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
    }

    private static <T> T withId(String id, java.util.function.Supplier<T> body) {
        MDC.put(MDC_KEY, id);
        try {
            return body.get();
        } finally {
            MDC.remove(MDC_KEY);
        }
    }
}
