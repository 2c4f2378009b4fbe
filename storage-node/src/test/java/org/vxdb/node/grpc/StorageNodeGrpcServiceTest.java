package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.vxdb.node.grpc.GrpcAssertions.assertStatus;
import static org.vxdb.node.grpc.GrpcAssertions.floats;
import static org.vxdb.node.grpc.GrpcAssertions.spec;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardDigestResponse;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardSearchRequest;
import org.vxdb.api.internal.v1.ShardSearchResponse;
import org.vxdb.api.internal.v1.ShardStatsRequest;
import org.vxdb.api.internal.v1.ShardStatsResponse;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.StreamRecordsRequest;
import org.vxdb.api.internal.v1.StreamRecordsResponse;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.Value;

class StorageNodeGrpcServiceTest {

    @TempDir
    Path dir;
    InProcessNode node;

    @BeforeEach
    void start() throws Exception {
        node = new InProcessNode(dir);
        for (String name : new String[] {"c", "copy"}) {
            node.collections().createCollection(CreateCollectionRequest.newBuilder()
                    .setSpec(spec(name, 2).toBuilder().setShardCount(2)).build());
        }
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static ShardRecord upsert(long id, long version, float x, float y) {
        return ShardRecord.newBuilder().setId(id).setVersion(version).setOp(RecordOp.UPSERT).addValues(x).addValues(y)
                .putMetadata("v", Value.newBuilder().setIntValue(version).build()).build();
    }

    private static ShardRecord delete(long id, long version) {
        return ShardRecord.newBuilder().setId(id).setVersion(version).setOp(RecordOp.DELETE).build();
    }

    private void write(String collection, int shard, ShardRecord... records) {
        node.internal().writeShard(ShardWriteRequest.newBuilder().setCollection(collection).setShard(shard)
                .addAllRecords(List.of(records)).build());
    }

    private ShardSearchResponse search(int k, Integer... shards) {
        return node.internal().searchShards(ShardSearchRequest.newBuilder().setCollection("c")
                .addAllShards(List.of(shards)).addAllQuery(floats(0, 0)).setK(k).setIncludeMetadata(true).build());
    }

    @Test
    void shouldApplyOnlyNewerVersionsSoRetriesAreHarmless() {
        write("c", 0, upsert(1, 10, 1, 0));
        write("c", 0, upsert(1, 5, 0, 0));
        write("c", 0, upsert(1, 10, 0, 0));
        List<SearchHit> hits = search(5).getHitsList();
        assertEquals(1, hits.size());
        assertEquals(10, hits.get(0).getVersion());
        assertEquals(1f, hits.get(0).getDistance());
        write("c", 0, delete(1, 11));
        assertEquals(0, search(5).getHitsCount());
    }

    private static ShardRecord rawUpsert(long id, long version, float x, float y) {
        return ShardRecord.newBuilder().setId(id).setVersion(version).setOp(RecordOp.UPSERT)
                .setRawValues(RequestChecks.rawBytes(new float[] {x, y})).build();
    }

    @Test
    void shouldReadRawValuesAsTheSameVectorAsValues() {
        write("c", 0, rawUpsert(1, 1, 3, 4), upsert(2, 1, 0, 1));
        List<SearchHit> hits = search(5).getHitsList();
        assertEquals(List.of(2L, 1L), hits.stream().map(SearchHit::getId).toList());
        assertEquals(25f, hits.get(1).getDistance());
        assertStatus(Status.Code.INVALID_ARGUMENT, "records[0]: has both values and raw_values; set one",
                () -> write("c", 0, rawUpsert(3, 1, 0, 0).toBuilder().addValues(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "records[0]: raw_values has 5 bytes, not a whole number of"
                + " float32 values", () -> write("c", 0, rawUpsert(3, 1, 0, 0).toBuilder()
                        .setRawValues(ByteString.copyFrom(new byte[5])).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "row 0 (id 3): vector has 3 dimensions, the collection has 2",
                () -> write("c", 0, rawUpsert(3, 1, 0, 0).toBuilder()
                        .setRawValues(RequestChecks.rawBytes(new float[] {1, 2, 3})).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "records[0]: a DELETE carries no values or metadata",
                () -> write("c", 0, delete(1, 2).toBuilder().setRawValues(RequestChecks.rawBytes(new float[] {1, 2}))
                        .build()));
    }

    @Test
    void shouldSearchOnlyTheShardsAsked() {
        write("c", 0, upsert(1, 1, 0, 0));
        write("c", 1, upsert(2, 1, 0.5f, 0));
        assertEquals(List.of(1L, 2L), search(5).getHitsList().stream().map(SearchHit::getId).toList());
        assertEquals(List.of(2L), search(5, 1).getHitsList().stream().map(SearchHit::getId).toList());
        assertEquals(1, search(5, 1, 1).getHitsCount());
    }

    @Test
    void shouldReportShardStatsWithTheNewestVersion() {
        write("c", 1, upsert(1, 7, 0, 0), upsert(2, 9, 1, 1));
        ShardStatsResponse stats = node.internal().shardStats(ShardStatsRequest.newBuilder().setCollection("c").build());
        assertEquals("c", stats.getSpec().getName());
        assertEquals(2, stats.getShardsCount());
        assertEquals(0, stats.getShards(0).getVectorCount());
        assertEquals(2, stats.getShards(1).getVectorCount());
        assertEquals(9, stats.getShards(1).getMaxVersion());
        assertEquals(2, stats.getShards(1).getBufferedRows());
    }

    private ShardDigestResponse digest(String collection, int shard) {
        return node.internal().shardDigest(ShardDigestRequest.newBuilder().setCollection(collection).setShard(shard)
                .setBuckets(16).build());
    }

    @Test
    void shouldRepairAReplicaFromStreamedRecordsUntilDigestsMatch() {
        for (long from = 1; from <= 300; from += 100) {
            List<ShardRecord> records = new ArrayList<>();
            for (long id = from; id < from + 100; id++) {
                records.add(upsert(id, id, id, -id));
            }
            write("c", 0, records.toArray(ShardRecord[]::new));
        }
        write("c", 0, delete(5, 1000), delete(6, 1000));
        write("copy", 0, upsert(1, 1, 1, -1));
        assertNotEquals(digest("c", 0), digest("copy", 0));
        Iterator<StreamRecordsResponse> stream = node.internal().streamRecords(StreamRecordsRequest.newBuilder()
                .setCollection("c").setShard(0).setBuckets(16).setBatchRows(64).build());
        int batches = 0;
        while (stream.hasNext()) {
            StreamRecordsResponse batch = stream.next();
            write("copy", 0, batch.getRecordsList().toArray(ShardRecord[]::new));
            batches++;
        }
        assertEquals(5, batches);
        assertEquals(digest("c", 0), digest("copy", 0));
        assertEquals(300, digest("c", 0).getBucketsList().stream().mapToLong(b -> b.getRecords()).sum());
    }

    @Test
    void shouldRejectBadInternalRequests() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "shard: shard 2 does not exist; collection 'c' has 2 shards",
                () -> write("c", 2, upsert(1, 1, 0, 0)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "records: the batch is empty", () -> write("c", 0));
        assertStatus(Status.Code.INVALID_ARGUMENT, "records[1]: op is required (UPSERT or DELETE)",
                () -> write("c", 0, upsert(1, 1, 0, 0), ShardRecord.newBuilder().setId(2).setVersion(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "records[0]: version must be >= 1, got 0",
                () -> write("c", 0, upsert(1, 0, 0, 0)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "records[0]: a DELETE carries no values or metadata",
                () -> write("c", 0, delete(1, 1).toBuilder().addValues(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "row 0 (id 1): vector has 1 dimensions, the collection has 2",
                () -> write("c", 0, ShardRecord.newBuilder().setId(1).setVersion(1).setOp(RecordOp.UPSERT)
                        .addValues(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "shards[1]: shard 9 does not exist; collection 'c' has 2 shards",
                () -> search(1, 0, 9));
        assertStatus(Status.Code.INVALID_ARGUMENT, "buckets: 0 is invalid: use 1-65536",
                () -> node.internal().shardDigest(ShardDigestRequest.newBuilder().setCollection("c").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "bucket_filter[0]: bucket 16 is not below buckets 16",
                () -> node.internal().streamRecords(StreamRecordsRequest.newBuilder().setCollection("c")
                        .setBuckets(16).addBucketFilter(16).build()).hasNext());
        assertStatus(Status.Code.NOT_FOUND, "unknown collection 'x'",
                () -> node.internal().shardStats(ShardStatsRequest.newBuilder().setCollection("x").build()));
        assertEquals(0, search(5).getHitsCount());
    }
}
