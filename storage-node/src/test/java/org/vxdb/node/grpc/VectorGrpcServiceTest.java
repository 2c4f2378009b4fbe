package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.node.grpc.GrpcAssertions.assertStatus;
import static org.vxdb.node.grpc.GrpcAssertions.floats;
import static org.vxdb.node.grpc.GrpcAssertions.spec;
import static org.vxdb.node.grpc.GrpcAssertions.vector;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.FieldIn;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.FilterList;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StreamWriteAck;
import org.vxdb.api.v1.StreamWriteRequest;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;

class VectorGrpcServiceTest {

    @TempDir
    Path dir;
    InProcessNode node;

    @BeforeEach
    void start() throws Exception {
        node = new InProcessNode(dir);
        node.collections().createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(spec("c", 3).toBuilder().setShardCount(3)).build());
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private WriteResponse upsert(Vector... vectors) {
        return node.vectors().upsert(WriteRequest.newBuilder().setCollection("c").addAllVectors(List.of(vectors)).build());
    }

    private SearchResponse search(int k, float... q) {
        return node.vectors().search(SearchRequest.newBuilder().setCollection("c").addAllQuery(floats(q)).setK(k)
                .setIncludeMetadata(true).setIncludeVectors(true).build());
    }

    private static List<Long> ids(SearchResponse r) {
        return r.getHitsList().stream().map(SearchHit::getId).toList();
    }

    @Test
    void shouldUpsertAcrossShardsAndFindTheNearestWithVectorsAndMetadata() {
        WriteResponse w = upsert(vector(1, "a", 0, 0, 0), vector(2, "b", 1, 0, 0), vector(3, "a", 5, 5, 5),
                vector(4, "b", 0, 0, 2));
        assertEquals(List.of(1L, 2L, 3L, 4L), w.getIdsList());
        assertEquals(4, w.getWritten());
        SearchResponse r = search(2, 0.1f, 0, 0);
        assertEquals(List.of(1L, 2L), ids(r));
        SearchHit first = r.getHits(0);
        assertEquals(0.01f, first.getDistance(), 1e-6);
        assertEquals(floats(0, 0, 0), first.getValuesList());
        assertEquals("a", first.getMetadataOrThrow("tag").getStringValue());
        assertTrue(first.getVersion() > 0);
    }

    @Test
    void shouldReplaceOnUpsertAndRejectInsertOfLiveIdsWritingNothing() {
        upsert(vector(1, 0, 0, 0));
        upsert(vector(1, 9, 9, 9));
        assertEquals(floats(9, 9, 9), get(1).getVectors(0).getValuesList());
        assertStatus(Status.Code.ALREADY_EXISTS, "ids already exist: 1", () -> node.vectors().insert(
                WriteRequest.newBuilder().setCollection("c").addVectors(vector(7, 1, 1, 1)).addVectors(vector(1, 2, 2, 2))
                        .build()));
        assertEquals(List.of(7L), get(7).getMissingIdsList());
        assertEquals(floats(9, 9, 9), get(1).getVectors(0).getValuesList());
        WriteResponse inserted = node.vectors().insert(WriteRequest.newBuilder().setCollection("c")
                .addVectors(vector(7, 1, 1, 1)).build());
        assertEquals(List.of(7L), inserted.getIdsList());
    }

    @Test
    void shouldDeriveTheIdFromContentSoTheSameVectorIsOneRecord() {
        Vector noId = Vector.newBuilder().addAllValues(floats(1, 2, 3)).build();
        long expected = IdHashing.contentId(new float[] {1, 2, 3});
        assertEquals(List.of(expected), node.vectors().upsert(WriteRequest.newBuilder().setCollection("c")
                .addVectors(noId).build()).getIdsList());
        node.vectors().upsert(WriteRequest.newBuilder().setCollection("c").addVectors(noId).build());
        assertEquals(1, search(10, 1, 2, 3).getHitsCount());
        assertEquals(expected, search(1, 1, 2, 3).getHits(0).getId());
    }

    private GetResponse get(long... ids) {
        GetRequest.Builder b = GetRequest.newBuilder().setCollection("c").setIncludeVectors(true).setIncludeMetadata(true);
        for (long id : ids) {
            b.addIds(id);
        }
        return node.vectors().get(b.build());
    }

    @Test
    void shouldGetFoundIdsInOrderAndListMissingOnes() {
        upsert(vector(1, "x", 1, 1, 1), vector(2, 2, 2, 2));
        GetResponse r = get(2, 99, 1);
        assertEquals(List.of(2L, 1L), r.getVectorsList().stream().map(v -> v.getId()).toList());
        assertEquals(List.of(99L), r.getMissingIdsList());
        assertEquals("x", r.getVectors(1).getMetadataOrThrow("tag").getStringValue());
        GetResponse bare = node.vectors().get(GetRequest.newBuilder().setCollection("c").addIds(1).build());
        assertEquals(0, bare.getVectors(0).getValuesCount());
        assertEquals(0, bare.getVectors(0).getMetadataCount());
    }

    @Test
    void shouldDeleteSoThatGetAndSearchNoLongerSeeTheId() {
        upsert(vector(1, 0, 0, 0), vector(2, 1, 1, 1));
        assertEquals(2, node.vectors().delete(DeleteRequest.newBuilder().setCollection("c").addIds(1).addIds(42)
                .build()).getDeleted());
        assertEquals(List.of(1L), get(1).getMissingIdsList());
        assertEquals(List.of(2L), ids(search(10, 0, 0, 0)));
    }

    @Test
    void shouldFilterOnMetadataDuringSearch() {
        upsert(vector(1, "a", 0, 0, 0), vector(2, "b", 0.1f, 0, 0), vector(3, "b", 0.2f, 0, 0));
        Filter onlyB = Filter.newBuilder().setEq(FieldEquals.newBuilder().setField("tag")
                .setValue(Value.newBuilder().setStringValue("b"))).build();
        SearchResponse r = node.vectors().search(SearchRequest.newBuilder().setCollection("c")
                .addAllQuery(floats(0, 0, 0)).setK(10).setFilter(onlyB).build());
        assertEquals(List.of(2L, 3L), ids(r));
        assertEquals("filter:exact-matches est=0,filter:exact-matches est=2", r.getPlan()); // two shards
    }

    @Test
    void shouldAcknowledgeEveryStreamedBatchAndEndTheStreamAtABadOne() throws Exception {
        List<StreamWriteAck> acks = new ArrayList<>();
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        StreamObserver<StreamWriteRequest> in = node.vectorsAsync().streamUpsert(new StreamObserver<>() {
            @Override
            public void onNext(StreamWriteAck ack) {
                acks.add(ack);
            }

            @Override
            public void onError(Throwable t) {
                end.complete(t);
            }

            @Override
            public void onCompleted() {
                end.complete(null);
            }
        });
        in.onNext(StreamWriteRequest.newBuilder().setSequence(10).setBatch(WriteRequest.newBuilder()
                .setCollection("c").addVectors(vector(1, 1, 1, 1))).build());
        in.onNext(StreamWriteRequest.newBuilder().setSequence(11).setBatch(WriteRequest.newBuilder()
                .addVectors(vector(2, 2, 2, 2))).build());
        in.onNext(StreamWriteRequest.newBuilder().setSequence(12).setBatch(WriteRequest.newBuilder()
                .addVectors(vector(3, 3, 3))).build());
        in.onNext(StreamWriteRequest.newBuilder().setSequence(13).setBatch(WriteRequest.newBuilder()
                .addVectors(vector(4, 4, 4, 4))).build());
        in.onCompleted();
        Throwable error = end.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(10L, 11L), acks.stream().map(StreamWriteAck::getSequence).toList());
        Status status = Status.fromThrowable(error);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertEquals("vectors[0]: has 2 dimensions, collection 'c' has 3", status.getDescription());
        assertEquals(List.of(4L), get(1, 2, 4).getMissingIdsList());
    }

    @Test
    void shouldRejectBadWritesWithTheFieldAndWriteNothing() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "collection: required",
                () -> node.vectors().upsert(WriteRequest.newBuilder().addVectors(vector(1, 1, 1, 1)).build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'nope'",
                () -> node.vectors().upsert(WriteRequest.newBuilder().setCollection("nope").addVectors(vector(1, 1, 1, 1))
                        .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors: the batch is empty",
                () -> node.vectors().upsert(WriteRequest.newBuilder().setCollection("c").build()));
        WriteRequest.Builder huge = WriteRequest.newBuilder().setCollection("c");
        for (int i = 0; i <= InProcessNode.MAX_BATCH_ROWS; i++) {
            huge.addVectors(vector(i, 1, 1, 1));
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors: 101 in one batch; at most 100",
                () -> node.vectors().upsert(huge.build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors[1]: has 2 dimensions, collection 'c' has 3",
                () -> upsert(vector(1, 1, 1, 1), vector(2, 1, 1)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors[0]: component 1 is not finite (NaN)",
                () -> upsert(vector(1, 1, Float.NaN, 1)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors[0]: component 2 is not finite (Infinity)",
                () -> upsert(vector(1, 1, 1, Float.POSITIVE_INFINITY)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors[2]: id 5 appears twice in the batch (also vectors[0])",
                () -> upsert(vector(5, 1, 1, 1), vector(6, 1, 1, 1), vector(5, 2, 2, 2)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors[0].metadata[\"n\"]: number must be finite, got NaN",
                () -> upsert(vector(1, 1, 1, 1).toBuilder().putMetadata("n", Value.newBuilder()
                        .setDoubleValue(Double.NaN).build()).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "vectors[0].metadata[\"n\"]: value has no type set",
                () -> upsert(vector(1, 1, 1, 1).toBuilder().putMetadata("n", Value.getDefaultInstance()).build()));
        assertEquals(0, search(10, 0, 0, 0).getHitsCount());
    }

    @Test
    void shouldRejectBadSearchesWithTheField() {
        upsert(vector(1, 0, 0, 0));
        assertStatus(Status.Code.INVALID_ARGUMENT, "query: required",
                () -> node.vectors().search(SearchRequest.newBuilder().setCollection("c").setK(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "query: has 2 dimensions, collection 'c' has 3",
                () -> search(1, 1, 1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "query: component 0 is not finite (NaN)",
                () -> search(1, Float.NaN, 1, 1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "k: required (1-10000)", () -> search(0, 1, 1, 1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "k: 10001 is invalid: use 1-10000", () -> search(10_001, 1, 1, 1));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "params.nprobe: 4000000000 is invalid: use 1-" + org.vxdb.index.SearchParams.MAX_NPROBE
                        + " (0: the collection's default)",
                () -> node.vectors().search(SearchRequest.newBuilder().setCollection("c").addAllQuery(floats(1, 1, 1))
                        .setK(1).setParams(SearchParams.newBuilder().setNprobe((int) 4_000_000_000L)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "filter: no condition set (eq, in, range, and, or, not)",
                () -> searchWith(Filter.getDefaultInstance()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "filter.and.filters[1].in.values: at least one value is required",
                () -> searchWith(Filter.newBuilder().setAnd(FilterList.newBuilder()
                        .addFilters(Filter.newBuilder().setEq(FieldEquals.newBuilder().setField("a")
                                .setValue(Value.newBuilder().setBoolValue(true))))
                        .addFilters(Filter.newBuilder().setIn(FieldIn.newBuilder().setField("b")))).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "filter.range: needs min, max or both",
                () -> searchWith(Filter.newBuilder().setRange(FieldRange.newBuilder().setField("n")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "filter.eq.field: required",
                () -> searchWith(Filter.newBuilder().setEq(FieldEquals.newBuilder()
                        .setValue(Value.newBuilder().setIntValue(1))).build()));
        Filter deep = Filter.newBuilder().setEq(FieldEquals.newBuilder().setField("a")
                .setValue(Value.newBuilder().setIntValue(1))).build();
        for (int i = 0; i < FilterMapping.MAX_DEPTH; i++) {
            deep = Filter.newBuilder().setNot(deep).build();
        }
        Filter tooDeep = deep;
        assertStatus(Status.Code.INVALID_ARGUMENT, "filter" + ".not".repeat(FilterMapping.MAX_DEPTH)
                + ": filter is nested deeper than 32 levels", () -> searchWith(tooDeep));
        assertEquals(List.of(1L), ids(search(1, 0, 0, 0)));
    }

    private SearchResponse searchWith(Filter filter) {
        return node.vectors().search(SearchRequest.newBuilder().setCollection("c").addAllQuery(floats(1, 1, 1))
                .setK(1).setFilter(filter).build());
    }

    @Test
    void shouldRejectEmptyGetsAndDeletes() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "ids: the batch is empty",
                () -> node.vectors().get(GetRequest.newBuilder().setCollection("c").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "ids: the batch is empty",
                () -> node.vectors().delete(DeleteRequest.newBuilder().setCollection("c").build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'gone'",
                () -> node.vectors().get(GetRequest.newBuilder().setCollection("gone").addIds(1).build()));
    }

    @Test
    void shouldAnswerUnavailableWhenTheNodeIsNotReady() {
        node.state.notReady("shutting down");
        assertStatus(Status.Code.UNAVAILABLE, "node is not ready: shutting down", () -> search(1, 0, 0, 0));
    }
}
