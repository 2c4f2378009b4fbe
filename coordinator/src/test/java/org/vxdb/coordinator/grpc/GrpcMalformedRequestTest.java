package org.vxdb.coordinator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.grpc.RawGrpcCall;

/**
 * Bytes that are not a valid request message get INVALID_ARGUMENT with the parser's reason on every
 * kind of call (grpc-java alone answers UNKNOWN "Application error processing RPC"), and the
 * server goes on serving.
 */
class GrpcMalformedRequestTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = InProcessCluster.start(dir);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Status call(String method, byte[] request) {
        return RawGrpcCall.call(cluster.channel(), method, request);
    }

    /** A field 1 (collection, a string) whose length runs past the end of the message. */
    private static final byte[] TRUNCATED = {0x0a, 0x7f, 'a'};

    @Test
    void garbageGetsInvalidArgumentOnUnaryAndStreamingCalls() {
        Status unary = call("vxdb.v1.VectorService/Search", TRUNCATED);
        assertEquals(Status.Code.INVALID_ARGUMENT, unary.getCode(), unary.toString());
        assertTrue(unary.getDescription().startsWith("the request is not a valid Search request: While parsing a"
                + " protocol message, the input ended unexpectedly"), unary.getDescription());
        Status stream = call("vxdb.v1.VectorService/StreamUpsert", TRUNCATED);
        assertEquals(Status.Code.INVALID_ARGUMENT, stream.getCode(), stream.toString());
        assertTrue(stream.getDescription().startsWith("the request is not a valid StreamUpsert request: "),
                stream.getDescription());
        Status collections = call("vxdb.v1.CollectionService/CreateCollection",
                new byte[] {(byte) 0xff, (byte) 0xff});
        assertEquals(Status.Code.INVALID_ARGUMENT, collections.getCode(), collections.toString());
    }

    @Test
    void aFilterNestedPastTheParsersLimitGetsInvalidArgument() {
        Filter f = Filter.newBuilder().setNot(Filter.newBuilder()).build();
        for (int i = 0; i < 120; i++) {
            f = Filter.newBuilder().setNot(f).build();
        }
        byte[] deep = SearchRequest.newBuilder().setCollection("c").setK(1).addQuery(1f).setFilter(f).build()
                .toByteArray();
        Status s = call("vxdb.v1.VectorService/Search", deep);
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode(), s.toString());
        assertTrue(s.getDescription().startsWith("the request is not a valid Search request: Protocol message had"
                + " too many levels of nesting"), s.getDescription());
        // and the server goes on serving
        assertEquals(0, CollectionServiceGrpc.newBlockingStub(cluster.channel())
                .listCollections(ListCollectionsRequest.getDefaultInstance()).getCollectionsCount());
    }
}
