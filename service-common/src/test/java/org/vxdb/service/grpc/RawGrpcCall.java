package org.vxdb.service.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call of any method with request bytes as given (valid or not): sends them, half-closes,
 * and returns the status the call ended with, or OK at its first answer. For tests of what servers
 * do with bytes no stub would send, and of who may call a method at all.
 */
public final class RawGrpcCall {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawGrpcCall() {
    }

    /** {@code fullMethodName} such as {@code vxdb.v1.VectorService/Search}, with {@code headers} (may be empty). */
    public static Status call(Channel channel, String fullMethodName, byte[] request, Metadata headers) {
        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(fullMethodName)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        ClientCall<byte[], byte[]> call = channel.newCall(m, CallOptions.DEFAULT.withDeadlineAfter(20,
                TimeUnit.SECONDS));
        CompletableFuture<Status> done = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                done.complete(Status.OK);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(status);
            }
        }, headers);
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        Status s = done.join();
        call.cancel("answered", null);
        return s;
    }

    public static Status call(Channel channel, String fullMethodName, byte[] request) {
        return call(channel, fullMethodName, request, new Metadata());
    }
}
