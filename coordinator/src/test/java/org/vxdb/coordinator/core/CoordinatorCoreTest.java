package org.vxdb.coordinator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.testing.InProcessCluster;

/** The transport-free core against two real storage nodes in this JVM. */
class CoordinatorCoreTest {

    @TempDir
    static Path dir;

    private static InProcessCluster cluster;
    private static CoordinatorCore core;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir);
        core = cluster.core();
        core.createCollection(ctx(), spec("docs", 3)).join();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CallContext ctx() {
        return InProcessCluster.context();
    }

    private static CollectionSpec spec(String name, int dim) {
        return CollectionSpec.newBuilder().setName(name).setDimension(dim).setMetric(Metric.L2).build();
    }

    private static Vector vector(long id, float... values) {
        Vector.Builder b = Vector.newBuilder().setId(id);
        for (float v : values) {
            b.addValues(v);
        }
        return b.build();
    }

    private static VxdbException failure(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        assertTrue(e.getCause() instanceof VxdbException, "not a VxdbException: " + e.getCause());
        return (VxdbException) e.getCause();
    }

    private static void assertFails(VxdbException.Code code, String message, CompletableFuture<?> call) {
        VxdbException e = failure(call);
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(message, e.getMessage());
    }

    @Test
    void shouldWriteReadSearchAndDeleteThroughTheCore() {
        WriteResponse w = core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs")
                .addVectors(vector(1, 0, 0, 1).toBuilder().putMetadata("lang", Value.newBuilder().setStringValue("en")
                        .build()))
                .addVectors(vector(2, 1, 0, 0)).build()).join();
        assertEquals(List.of(1L, 2L), w.getIdsList());
        assertEquals(2, w.getWritten());

        SearchResponse s = core.search(ctx(), SearchRequest.newBuilder().setCollection("docs").addQuery(0).addQuery(0)
                .addQuery(0.9f).setK(2).setIncludeMetadata(true).build()).join();
        assertEquals(List.of(1L, 2L), s.getHitsList().stream().map(h -> h.getId()).toList());
        assertEquals("en", s.getHits(0).getMetadataOrThrow("lang").getStringValue());
        assertFalse(s.getPartial());

        GetResponse g = core.get(ctx(), GetRequest.newBuilder().setCollection("docs").addIds(2).addIds(99)
                .setIncludeVectors(true).build()).join();
        assertEquals(List.of(1f, 0f, 0f), g.getVectors(0).getValuesList());
        assertEquals(List.of(99L), g.getMissingIdsList());

        assertEquals(1, core.delete(ctx(), DeleteRequest.newBuilder().setCollection("docs").addIds(2).build()).join()
                .getDeleted());
        assertEquals(List.of(2L), core.get(ctx(), GetRequest.newBuilder().setCollection("docs").addIds(2).build())
                .join().getMissingIdsList());
    }

    @Test
    void shouldTakeRawValuesAsTheSameVectorAsValuesAndDeriveTheSameContentId() {
        Vector raw = Vector.newBuilder().setId(30).setRawValues(RequestChecks.rawBytes(new float[] {0.5f, -1f, 2f}))
                .build();
        Vector noId = Vector.newBuilder().setRawValues(RequestChecks.rawBytes(new float[] {3f, 3f, -0f})).build();
        WriteResponse w = core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs").addVectors(raw)
                .addVectors(noId).build()).join();
        assertEquals(List.of(30L, IdHashing.contentId(new float[] {3f, 3f, 0f})), w.getIdsList());
        GetResponse g = core.get(ctx(), GetRequest.newBuilder().setCollection("docs").addAllIds(w.getIdsList())
                .setIncludeVectors(true).build()).join();
        assertEquals(List.of(0.5f, -1f, 2f), g.getVectors(0).getValuesList());
        assertEquals(List.of(3f, 3f, -0f), g.getVectors(1).getValuesList());
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "vectors[0]: raw_values has 6 bytes, not a whole number of"
                + " float32 values", core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs")
                        .addVectors(Vector.newBuilder().setRawValues(ByteString.copyFrom(new byte[6]))).build()));
    }

    @Test
    void shouldRefuseAnInsertOfALiveIdWritingNothing() {
        core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs").addVectors(vector(10, 1, 1, 1)).build())
                .join();
        VxdbException e = failure(core.insert(ctx(), WriteRequest.newBuilder().setCollection("docs")
                .addVectors(vector(10, 2, 2, 2)).build()));
        assertEquals(VxdbException.Code.ALREADY_EXISTS, e.code());
        assertTrue(e.getMessage().contains("10"), e.getMessage());
        assertEquals(List.of(1f, 1f, 1f), core.get(ctx(), GetRequest.newBuilder().setCollection("docs").addIds(10)
                .setIncludeVectors(true).build()).join().getVectors(0).getValuesList());
    }

    @Test
    void shouldFailWithTheExactMessageOfEachBadRequest() {
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "vectors[0]: has 2 dimensions, collection 'docs' has 3",
                core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs").addVectors(vector(1, 1, 2)).build()));
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "vectors[0]: component 1 is not finite (NaN)",
                core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs")
                        .addVectors(vector(1, 1, Float.NaN, 2)).build()));
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "vectors: the batch is empty",
                core.upsert(ctx(), WriteRequest.newBuilder().setCollection("docs").build()));
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "collection: required",
                core.upsert(ctx(), WriteRequest.newBuilder().addVectors(vector(1, 1, 2, 3)).build()));
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "k: required (1-10000)",
                core.search(ctx(), SearchRequest.newBuilder().setCollection("docs").addQuery(0).addQuery(0)
                        .addQuery(0).build()));
        assertFails(VxdbException.Code.NOT_FOUND, "unknown collection 'nope'",
                core.describeCollection(ctx(), "nope"));
        assertFails(VxdbException.Code.NOT_FOUND, "unknown collection 'nope'", core.dropCollection(ctx(), "nope"));
        assertFails(VxdbException.Code.ALREADY_EXISTS, "collection 'docs' already exists",
                core.createCollection(ctx(), spec("docs", 3)));
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "spec: required", core.createCollection(ctx(), null));
        assertFails(VxdbException.Code.INVALID_ARGUMENT, "name: required", core.describeCollection(ctx(), ""));
    }

    @Test
    void shouldCreateListAndDropCollections() {
        CollectionInfo created = core.createCollection(ctx(), spec("scratch", 5)).join();
        assertEquals(5, created.getSpec().getDimension());
        assertEquals(InProcessCluster.CLUSTERS, created.getSpec().getShardCount());
        assertTrue(core.listCollections(ctx()).join().stream().anyMatch(c -> c.getSpec().getName().equals("scratch")));
        core.dropCollection(ctx(), "scratch").join();
        assertFalse(core.listCollections(ctx()).join().stream()
                .anyMatch(c -> c.getSpec().getName().equals("scratch")));
    }

    @Test
    void shouldRefuseACallWhoseDeadlineHasPassedBeforeDoingAnything() {
        CallContext expired = new CallContext(Caller.anonymous("127.0.0.1:1", "test"), "r-1",
                System.nanoTime() - 1);
        assertFails(VxdbException.Code.DEADLINE_EXCEEDED,
                "the deadline passed before Upsert started; nothing was done",
                core.upsert(expired, WriteRequest.newBuilder().setCollection("docs").addVectors(vector(77, 7, 7, 7))
                        .build()));
        assertEquals(List.of(77L), core.get(ctx(), GetRequest.newBuilder().setCollection("docs").addIds(77).build())
                .join().getMissingIdsList());
    }

    @Test
    void shouldRefuseCallsBeyondTheInFlightBudgetAndTakeThemAgainOnceItDrains() {
        InFlightBudget budget = core.budget();
        int taken = 0;
        try {
            while (true) {
                budget.acquire();
                taken++;
            }
        } catch (VxdbException full) {
            assertEquals(VxdbException.Code.RESOURCE_EXHAUSTED, full.code());
        }
        try {
            assertFails(VxdbException.Code.RESOURCE_EXHAUSTED, "coordinator is at its limit of 320 requests in flight"
                    + " (64 running, 256 queued); retry with backoff", core.describeCollection(ctx(), "docs"));
        } finally {
            for (int i = 0; i < taken; i++) {
                budget.release();
            }
        }
        assertEquals("docs", core.describeCollection(ctx(), "docs").join().getSpec().getName());
    }

    @Test
    void shouldPassTheCoresCodeAndMessageThroughTheGrpcAdapterUnchanged() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> VectorServiceGrpc
                .newBlockingStub(cluster.channel()).upsert(WriteRequest.newBuilder().setCollection("docs")
                        .addVectors(vector(1, 1, 2)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("vectors[0]: has 2 dimensions, collection 'docs' has 3", e.getStatus().getDescription());
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> CollectionServiceGrpc
                .newBlockingStub(cluster.channel()).describeCollection(DescribeCollectionRequest.newBuilder()
                        .setName("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
        assertEquals("unknown collection 'nope'", missing.getStatus().getDescription());
    }

    @Test
    void shouldGiveEveryCallItsOwnRequestIdWhenTheCallerHasNone() {
        CallContext a = CallContext.of(Caller.anonymous("x:1", "test"), null, Duration.ofSeconds(1));
        CallContext b = CallContext.of(Caller.anonymous("x:1", "test"), null, Duration.ofSeconds(1));
        assertFalse(a.requestId().equals(b.requestId()));
        assertEquals("given", CallContext.of(Caller.anonymous("x:1", "test"), "given", Duration.ofSeconds(1))
                .requestId());
    }
}
