package org.vxdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.grpc.RawGrpcCall;

/** A node answers bytes that are not a valid request with INVALID_ARGUMENT (grpc-java alone: UNKNOWN), and serves on. */
class NodeMalformedRequestTest {

    @TempDir
    Path dir;

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
                    // field 1 says 127 bytes follow; one does
                    Status s = RawGrpcCall.call(ch, method, new byte[] {0x0a, 0x7f, 'a'});
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
}
