package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.node.grpc.GrpcAssertions.assertStatus;
import static org.vxdb.node.grpc.GrpcAssertions.spec;
import static org.vxdb.node.grpc.GrpcAssertions.vector;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.vxdb.service.grpc.RequestIdInterceptor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.StreamWriteAck;
import org.vxdb.api.v1.StreamWriteRequest;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;

class NodeInterceptorsTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseRequestsBeyondTheLimitWithResourceExhaustedAndWriteNothing() throws Exception {
        try (InProcessNode node = new InProcessNode(dir, 1, 0)) {
            node.collections().createCollection(CreateCollectionRequest.newBuilder().setSpec(spec("c", 2)).build());
            StreamObserver<StreamWriteRequest> open = node.vectorsAsync().streamUpsert(new StreamObserver<>() {
                @Override
                public void onNext(StreamWriteAck value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            assertStatus(Status.Code.RESOURCE_EXHAUSTED,
                    "node is at its limit of 1 requests in flight (1 running, 0 queued); retry with backoff",
                    () -> node.vectors().upsert(WriteRequest.newBuilder().setCollection("c")
                            .addVectors(vector(1, 1, 1)).build()));
            open.onCompleted();
            assertEquals(1, node.vectors().get(GetRequest.newBuilder().setCollection("c").addIds(1).build())
                    .getMissingIdsCount());
            assertEquals(1, node.metrics.service().rejectedRequests());
        }
    }

    @Test
    void shouldEchoTheClientsRequestIdOrMakeOne() throws Exception {
        try (InProcessNode node = new InProcessNode(dir)) {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            Metadata sent = new Metadata();
            sent.put(RequestIdInterceptor.REQUEST_ID, "req-42");
            VectorServiceGrpc.VectorServiceBlockingStub stub = node.vectors().withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(sent),
                    MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
            assertStatus(Status.Code.NOT_FOUND, "unknown collection 'x'",
                    () -> stub.get(GetRequest.newBuilder().setCollection("x").addIds(1).build()));
            String echoed = headers.get() != null ? headers.get().get(RequestIdInterceptor.REQUEST_ID)
                    : trailers.get().get(RequestIdInterceptor.REQUEST_ID);
            assertEquals("req-42", echoed);
        }
    }

    @Test
    void shouldCountRequestsByMethodAndCodeInTheScrape() throws Exception {
        try (InProcessNode node = new InProcessNode(dir)) {
            node.collections().createCollection(CreateCollectionRequest.newBuilder().setSpec(spec("c", 2)).build());
            node.vectors().upsert(WriteRequest.newBuilder().setCollection("c").addVectors(vector(1, 1, 1)).build());
            assertStatus(Status.Code.INVALID_ARGUMENT, "vectors: the batch is empty",
                    () -> node.vectors().upsert(WriteRequest.newBuilder().setCollection("c").build()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            node.metrics.service().scrape(out);
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("vxdb_grpc_requests_total{code=\"OK\",method=\"vxdb.v1.VectorService/Upsert\"} 1"),
                    text);
            assertTrue(text.contains(
                    "vxdb_grpc_requests_total{code=\"INVALID_ARGUMENT\",method=\"vxdb.v1.VectorService/Upsert\"} 1"));
            assertTrue(text.contains("vxdb_ingest_records_total{op=\"upsert\"} 1"));
            assertTrue(text.contains(
                    "vxdb_grpc_request_duration_seconds_count{method=\"vxdb.v1.VectorService/Upsert\"} 2"));
            assertTrue(text.contains("jvm_memory_used_bytes"));
        }
    }
}
