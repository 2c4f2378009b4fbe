package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.node.grpc.GrpcAssertions.assertStatus;
import static org.vxdb.node.grpc.GrpcAssertions.spec;
import static org.vxdb.node.grpc.GrpcAssertions.vector;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.FsyncPolicy;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.MetadataIndexKind;
import org.vxdb.api.v1.MetadataIndexStats;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.storage.engine.CollectionConfig;

class CollectionGrpcServiceTest {

    @TempDir
    Path dir;
    InProcessNode node;

    @BeforeEach
    void start() throws Exception {
        node = new InProcessNode(dir);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private CollectionInfo create(CollectionSpec spec) {
        return node.collections().createCollection(CreateCollectionRequest.newBuilder().setSpec(spec).build())
                .getCollection();
    }

    private CollectionInfo describe(String name) {
        return node.collections().describeCollection(DescribeCollectionRequest.newBuilder().setName(name).build())
                .getCollection();
    }

    @Test
    void shouldCreateWithTheNodeDefaultsResolved() {
        CollectionSpec s = create(spec("docs", 8)).getSpec();
        assertEquals("docs", s.getName());
        assertEquals(8, s.getDimension());
        assertEquals(Metric.L2, s.getMetric());
        assertEquals("Flat", s.getIndex());
        assertEquals(1, s.getShardCount());
        assertEquals(CollectionConfig.defaultBufferRows(8), s.getBufferRows());
        assertEquals(FsyncPolicy.FSYNC_NONE, s.getFsyncPolicy());
        assertEquals(CollectionConfig.BUFFER_AGE_DEFAULT.toMillis(), s.getBufferAgeMillis());
    }

    @Test
    void shouldKeepWhatTheSpecSets() {
        CollectionSpec s = create(spec("ivf", 4).toBuilder().setIndex("IVF,Flat").setShardCount(4)
                .setFsyncPolicy(FsyncPolicy.FSYNC_BATCH).setBatchWindowMicros(3000).setBufferRows(500)
                .setMetric(Metric.COSINE).build()).getSpec();
        assertEquals("IVF,Flat", s.getIndex());
        assertEquals(4, s.getShardCount());
        assertEquals(FsyncPolicy.FSYNC_BATCH, s.getFsyncPolicy());
        assertEquals(3000, s.getBatchWindowMicros());
        assertEquals(500, s.getBufferRows());
        assertEquals(Metric.COSINE, describe("ivf").getSpec().getMetric());
    }

    private static org.vxdb.api.v1.MetadataIndexSpec index(String field, MetadataIndexKind kind) {
        return org.vxdb.api.v1.MetadataIndexSpec.newBuilder().setField(field).setKind(kind).build();
    }

    @Test
    void shouldDeclareMetadataIndexesAtCreateAndAddOneLater() {
        var tag = index("tag", MetadataIndexKind.METADATA_INDEX_INVERTED);
        var n = index("n", MetadataIndexKind.METADATA_INDEX_ORDERED);
        create(spec("docs", 3).toBuilder().addMetadataIndexes(tag).build());
        node.vectors().upsert(WriteRequest.newBuilder().setCollection("docs").addVectors(vector(1, "a", 0, 0, 0))
                .addVectors(vector(2, "b", 1, 1, 1)).build());
        assertEquals(List.of(tag), describe("docs").getSpec().getMetadataIndexesList());
        CollectionInfo info = node.collections().addMetadataIndex(AddMetadataIndexRequest.newBuilder()
                .setCollection("docs").setIndex(n).build()).getCollection();
        assertEquals(List.of(tag, n), info.getSpec().getMetadataIndexesList());
        assertEquals(List.of(tag, n), info.getStats().getMetadataIndexesList().stream()
                .map(MetadataIndexStats::getIndex).toList());
        assertEquals(true, info.getStats().getMetadataIndexes(0).getBytes() > 0, "the buffer's index on 'tag'");
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec.metadata_indexes[0].kind: required"
                + " (METADATA_INDEX_INVERTED or METADATA_INDEX_ORDERED)", () -> create(spec("bad", 3).toBuilder()
                .addMetadataIndexes(index("x", MetadataIndexKind.METADATA_INDEX_KIND_UNSPECIFIED)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "index.field: required", () -> node.collections()
                .addMetadataIndex(AddMetadataIndexRequest.newBuilder().setCollection("docs")
                        .setIndex(index("", MetadataIndexKind.METADATA_INDEX_ORDERED)).build()));
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'nope'", () -> node.collections()
                .addMetadataIndex(AddMetadataIndexRequest.newBuilder().setCollection("nope").setIndex(n).build()));
    }

    @Test
    void shouldDescribeWithStatsListAndDrop() {
        create(spec("a", 2));
        create(spec("b", 2));
        node.vectors().upsert(WriteRequest.newBuilder().setCollection("b").addVectors(vector(1, 1, 1))
                .addVectors(vector(2, 2, 2)).build());
        assertEquals(2, describe("b").getStats().getVectorCount());
        assertEquals(2, describe("b").getStats().getBufferedRows());
        assertEquals(List.of("a", "b"), node.collections().listCollections(ListCollectionsRequest.getDefaultInstance())
                .getCollectionsList().stream().map(c -> c.getSpec().getName()).toList());
        node.collections().dropCollection(DropCollectionRequest.newBuilder().setName("a").build());
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'a'", () -> describe("a"));
        assertEquals(1, node.collections().listCollections(ListCollectionsRequest.getDefaultInstance())
                .getCollectionsCount());
    }

    @Test
    void shouldRejectBadSpecsNamingTheField() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec: required",
                () -> node.collections().createCollection(CreateCollectionRequest.getDefaultInstance()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec.name: required", () -> create(spec("", 2)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec.dimension: required", () -> create(spec("x", 0)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec.dimension: 70000 is invalid: use 1-65536",
                () -> create(spec("x", 70_000)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "spec.metric: required (L2, INNER_PRODUCT or COSINE)",
                () -> create(spec("x", 2).toBuilder().clearMetric().build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "collection name '9lives' is invalid: use 1-64 letters, digits,"
                + " '_' or '-', starting with a letter", () -> create(spec("9lives", 2)));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "collection 'x': index 'Bogus' is invalid: unsupported index description 'Bogus': expected Flat,"
                        + " IVF{nlist},Flat, IVF{nlist},SQ8, IVF{nlist},PQ{m} or HNSW{M},Flat",
                () -> create(spec("x", 2).toBuilder().setIndex("Bogus").build()));
        create(spec("x", 2));
        assertStatus(Status.Code.ALREADY_EXISTS, "collection 'x' already exists", () -> create(spec("x", 2)));
    }

    @Test
    void shouldAnswerNotFoundForUnknownCollections() {
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'nope'", () -> describe("nope"));
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'nope'",
                () -> node.collections().dropCollection(DropCollectionRequest.newBuilder().setName("nope").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "name: required", () -> describe(""));
    }
}
