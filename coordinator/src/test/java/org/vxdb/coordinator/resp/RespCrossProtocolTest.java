package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.coordinator.resp.RespClients.redisCli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.testing.InProcessCluster;

/** The same rows through RESP and gRPC: written by one, found by the other. */
class RespCrossProtocolTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static int port;
    static VectorServiceGrpc.VectorServiceBlockingStub vectors;
    static CollectionServiceGrpc.CollectionServiceBlockingStub collections;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, RespClients.READ_YOUR_WRITES);
        port = cluster.respPort();
        vectors = VectorServiceGrpc.newBlockingStub(cluster.channel());
        collections = CollectionServiceGrpc.newBlockingStub(cluster.channel());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value num(long n) {
        return Value.newBuilder().setIntValue(n).build();
    }

    @Test
    void shouldFindRowsWrittenWithVectorMaddThroughGrpcSearch() {
        assertEquals("OK\n", redisCli(port, "VECTOR.CREATE", "shared", "DIM", "3", "METRIC", "L2"));
        assertEquals("(integer) 3\n", redisCli(port, "VECTOR.MADD", "shared", "DIM", "3", "WITHMETA",
                "10", "0", "0", "0", "{\"color\": \"red\", \"size\": 3}",
                "11", "1", "0", "0", "{\"color\": \"blue\", \"size\": 7}",
                "12", "5", "5", "5", "{\"color\": \"red\", \"size\": 9}"));
        Filter sizeAbove5 = Filter.newBuilder().setRange(FieldRange.newBuilder().setField("size").setMin(5)
                .setMinExclusive(true)).build();
        List<SearchHit> hits = vectors.search(SearchRequest.newBuilder().setCollection("shared").addQuery(0)
                .addQuery(0).addQuery(0).setK(5).setFilter(sizeAbove5).setIncludeMetadata(true).build()).getHitsList();
        assertEquals(List.of(11L, 12L), hits.stream().map(SearchHit::getId).toList());
        assertEquals(str("blue"), hits.get(0).getMetadataMap().get("color"));
        assertEquals(num(7), hits.get(0).getMetadataMap().get("size"));
    }

    @Test
    void shouldFindRowsWrittenThroughGrpcWithVectorSearchAndVsim() {
        collections.createCollection(CreateCollectionRequest.newBuilder().setSpec(CollectionSpec.newBuilder()
                .setName("fromgrpc").setDimension(2).setMetric(Metric.COSINE)).build());
        vectors.upsert(WriteRequest.newBuilder().setCollection("fromgrpc").setConsistency(WriteConsistency.ALL)
                .addVectors(Vector.newBuilder().setId(5).addValues(1).addValues(0).putMetadata("tag", str("x"))
                        .putMetadata("n", num(1)))
                .addVectors(Vector.newBuilder().setId(6).addValues(0).addValues(1).putMetadata("tag", str("y")))
                .build());
        assertEquals("1) 1) \"id\"\n   2) \"5\"\n   3) \"distance\"\n   4) \"0\"\n   5) \"metadata\"\n"
                + "   6) 1) \"n\"\n      2) (integer) 1\n      3) \"tag\"\n      4) \"x\"\n",
                redisCli(port, "VECTOR.SEARCH", "fromgrpc", "K", "1", "1", "0", "WITHMETA"));
        // Rows without an element name answer VSIM with their decimal id, and their metadata as attributes.
        assertEquals("1) \"6\"\n2) \"1\"\n3) \"{\\\"tag\\\":\\\"y\\\"}\"\n",
                redisCli(port, "VSIM", "fromgrpc", "VALUES", "2", "0", "1", "WITHSCORES", "WITHATTRIBS", "FILTER",
                        ".tag == 'y'"));
        assertEquals("(integer) 2\n", redisCli(port, "VCARD", "fromgrpc"));
    }

    @Test
    void shouldStoreVaddElementsAsRowsWhoseIdIsTheHashOfTheName() {
        assertEquals("(integer) 1\n", redisCli(port, "VADD", "named", "VALUES", "2", "3", "4", "élan vital",
                "SETATTR", "{\"year\": 1907, \"deep\": {\"x\": [1]}, \"ok\": true}"));
        byte[] name = "élan vital".getBytes(StandardCharsets.UTF_8);
        long id = XXHashFactory.safeInstance().hash64().hash(name, 0, name.length, 0L);
        StoredVector row = vectors.get(GetRequest.newBuilder().setCollection("named").addIds(id)
                .setIncludeMetadata(true).setIncludeVectors(true).build()).getVectors(0);
        assertEquals(List.of(0.6f, 0.8f), row.getValuesList());
        assertEquals(str("élan vital"), row.getMetadataMap().get("_vset_element"));
        assertEquals(str("{\"year\": 1907, \"deep\": {\"x\": [1]}, \"ok\": true}"),
                row.getMetadataMap().get("_vset_attrs"));
        assertEquals(Value.newBuilder().setDoubleValue(5).build(), row.getMetadataMap().get("_vset_norm"));
        assertEquals(num(1907), row.getMetadataMap().get("year"));
        assertEquals(num(1), row.getMetadataMap().get("ok"));
        assertEquals(5, row.getMetadataCount(), row.getMetadataMap().keySet().toString());
        assertEquals("1) \"\\xc3\\xa9lan vital\"\n", redisCli(port, "VSIM", "named", "ELE", "élan vital", "FILTER",
                ".ok == true and .year in [1907, 1908]"));
    }
}
