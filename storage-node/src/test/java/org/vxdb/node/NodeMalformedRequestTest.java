package org.vxdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.HostAndPort;

/** A node answers bytes that are not a valid request with INVALID_ARGUMENT (grpc-java alone: UNKNOWN), and serves on. */
class NodeMalformedRequestTest {

    @TempDir
    Path dir;

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    @Test
    void garbageGetsInvalidArgumentOnEveryKindOfMethod() throws Exception {
        NodeConfig config = NodeConfig.defaults(dir).withGrpcListen(new HostAndPort("127.0.0.1", 0))
                .withHttpListen(new HostAndPort("127.0.0.1", 0));
        try (StorageNode node = StorageNode.start(config)) {
            ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcAddress().getPort())
                    .usePlaintext().build();
            try {
                for (String method : new String[] {"vxdb.internal.v1.StorageNodeService/WriteShard",
                    "vxdb.internal.v1.StorageNodeService/StreamRecords", "vxdb.v1.VectorService/Search"}) {
                    Status s = call(ch, method, new byte[] {0x0a, 0x7f, 'a'}); // a field longer than the message
                    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode(), method + ": " + s);
                    String bare = method.substring(method.indexOf('/') + 1);
                    assertTrue(s.getDescription().startsWith("the request is not a valid " + bare + " request: While"
                            + " parsing a protocol message, the input ended unexpectedly"), s.getDescription());
                }
                assertEquals(0, CollectionServiceGrpc.newBlockingStub(ch).listCollections(
                        ListCollectionsRequest.getDefaultInstance()).getCollectionsCount());
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Status call(ManagedChannel ch, String method, byte[] request) {
        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(method)
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        ClientCall<byte[], byte[]> call = ch.newCall(m, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
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
        }, new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        Status s = done.join();
        call.cancel("answered", null);
        return s;
    }
}
