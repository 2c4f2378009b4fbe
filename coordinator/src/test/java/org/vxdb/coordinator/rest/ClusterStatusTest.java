package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.rest.RestAssertions.assertError;
import static org.vxdb.coordinator.rest.RestAssertions.json;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.BuildVersion;
import tools.jackson.databind.JsonNode;

/**
 * The status endpoints the dashboard reads ({@code /v1/cluster}, {@code /v1/collections/{name}/shards},
 * {@code /v1/metrics/live}), a search that explains itself, and the dashboard's own files, over
 * real HTTP (curl, and the JDK client for the event stream) against two in-process nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterStatusTest {

    @TempDir
    static Path dir;
    private InProcessCluster cluster;
    private Curl curl;

    @BeforeAll
    void start() throws IOException {
        cluster = InProcessCluster.start(dir.resolve("cluster"));
        curl = new Curl(cluster.restPort(), dir);
        assertEquals(201, curl.json("POST", "/v1/collections", "{\"name\":\"docs\",\"dimension\":3,\"metric\":\"l2\"}")
                .status());
        StringBuilder vectors = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            vectors.append(i == 1 ? "" : ",").append("{\"id\":").append(i).append(",\"values\":[").append(i)
                    .append(",0,1],\"metadata\":{\"n\":").append(i).append("}}");
        }
        assertEquals(200, curl.json("PUT", "/v1/collections/docs/vectors", "{\"vectors\":[" + vectors + "]}")
                .status());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void shouldReportEveryNodeWithItsStateBreakerResourcesAndRanges() {
        Curl.Answer a = curl.get("/v1/cluster");
        assertEquals(200, a.status(), a.body());
        JsonNode c = json(a.body());
        assertEquals("coord-test", c.get("coordinator_id").stringValue());
        assertEquals(BuildVersion.version(), c.get("version").stringValue());
        assertEquals(InProcessCluster.CLUSTERS, c.get("total_clusters").intValue());
        assertEquals(2, c.get("replication_factor").intValue());
        assertEquals(json("""
                [{"range":"0-1","first":0,"last":1,"replicas":["node-1","node-2"]},
                 {"range":"2-3","first":2,"last":3,"replicas":["node-2","node-1"]}]"""), c.get("ranges"));
        assertEquals(2, c.get("nodes").size());
        for (int i = 0; i < 2; i++) {
            JsonNode n = c.get("nodes").get(i);
            String id = "node-" + (i + 1);
            assertEquals(id, n.get("id").stringValue());
            assertEquals("127.0.0.1:" + cluster.nodes().get(i).grpcAddress().getPort(), n.get("address").stringValue());
            assertEquals("ready", n.get("state").stringValue());
            assertEquals("", n.get("reason").stringValue());
            assertEquals("closed", n.get("breaker").stringValue());
            assertEquals(json(i == 0 ? "[\"0-1\"]" : "[\"2-3\"]"), n.get("primary_ranges"));
            assertEquals(json(i == 0 ? "[\"2-3\"]" : "[\"0-1\"]"), n.get("replica_ranges"));
            JsonNode s = n.get("status");
            assertEquals(BuildVersion.version(), s.get("version").stringValue());
            assertEquals(cluster.nodes().get(i).engine().config().budget().limit(),
                    s.get("native_memory_limit").longValue());
            assertTrue(s.get("native_memory_used").longValue() > 0, "the collection's buffers are reserved");
            assertEquals(40, s.get("vectors").longValue(), "RF 2 on two nodes: every node holds every vector");
            assertEquals(1, s.get("collections").intValue());
            assertEquals(1, s.get("data_dirs").size());
            JsonNode d = s.get("data_dirs").get(0);
            assertEquals(dir.resolve("cluster/" + id + "/data").toString(), d.get("path").stringValue());
            assertTrue(d.get("used_bytes").longValue() > 0, "the WAL and collection files");
            assertTrue(d.get("total_bytes").longValue() >= d.get("usable_bytes").longValue());
            assertTrue(s.get("uptime_millis").longValue() >= 0);
            assertFalse(s.get("index_provider").stringValue().isEmpty());
        }
    }

    @Test
    void shouldShowEachShardOnEachReplicaAgreeingAndThenOneThatDrifts() {
        JsonNode before = json(curl.get("/v1/collections/docs/shards").body());
        assertEquals("docs", before.get("spec").get("name").stringValue());
        assertEquals(InProcessCluster.CLUSTERS, before.get("shards").size());
        long total = 0;
        for (JsonNode shard : before.get("shards")) {
            assertEquals("in_agreement", shard.get("agreement").stringValue(), shard.toString());
            JsonNode first = shard.get("replicas").get(0);
            JsonNode second = shard.get("replicas").get(1);
            assertEquals("primary", first.get("role").stringValue());
            assertEquals("replica", second.get("role").stringValue());
            assertEquals(shard.get("shard").intValue() < 2 ? "node-1" : "node-2", first.get("node").stringValue());
            assertEquals(first.get("vector_count"), second.get("vector_count"));
            assertEquals(first.get("digest"), second.get("digest"));
            assertEquals("none", first.get("index_state").stringValue(), "Flat below the build threshold");
            assertEquals("", first.get("error").stringValue());
            total += first.get("vector_count").longValue();
        }
        assertEquals(40, total);

        // One record written to node-1's replica of shard 0 only: the replicas of shard 0 now differ.
        ManagedChannel toNode = ManagedChannelBuilder.forAddress("127.0.0.1",
                cluster.nodes().get(0).grpcAddress().getPort()).usePlaintext().build();
        try {
            StorageNodeServiceGrpc.newBlockingStub(toNode).writeShard(ShardWriteRequest.newBuilder()
                    .setCollection("docs").setShard(0).addRecords(ShardRecord.newBuilder().setId(123_456_789L)
                            .setVersion(1).setOp(RecordOp.UPSERT).addValues(1).addValues(2).addValues(3)).build());
        } finally {
            toNode.shutdownNow();
        }
        JsonNode after = json(curl.get("/v1/collections/docs/shards").body());
        for (JsonNode shard : after.get("shards")) {
            assertEquals(shard.get("shard").intValue() == 0 ? "drifting" : "in_agreement",
                    shard.get("agreement").stringValue(), shard.toString());
        }
        JsonNode drifting = after.get("shards").get(0).get("replicas");
        assertEquals(drifting.get(1).get("digest_records").longValue() + 1,
                drifting.get(0).get("digest_records").longValue());
    }

    @Test
    void shouldAnswerNotFoundForTheShardsOfAnUnknownCollection() {
        assertError(curl.get("/v1/collections/nope/shards"), 404, "NOT_FOUND", "unknown collection 'nope'");
    }

    @Test
    void shouldExplainWhatEachNodeDidOnlyWhenAsked() {
        String query = "{\"vector\":[7,0,1],\"k\":3";
        JsonNode plain = json(curl.json("POST", "/v1/collections/docs/search", query + "}").body());
        assertNull(plain.get("nodes"));
        JsonNode explained = json(curl.json("POST", "/v1/collections/docs/search", query + ",\"explain\":true}")
                .body());
        assertEquals(plain.get("hits"), explained.get("hits"));
        assertEquals("7", explained.get("hits").get(0).get("id").stringValue());
        JsonNode nodes = explained.get("nodes");
        assertEquals(2, nodes.size(), explained.toString());
        assertEquals("node-1", nodes.get(0).get("node").stringValue());
        assertEquals(json("[\"0-1\"]"), nodes.get(0).get("ranges"));
        assertEquals("node-2", nodes.get(1).get("node").stringValue());
        assertEquals(json("[\"2-3\"]"), nodes.get(1).get("ranges"));
        long scanned = 0;
        for (JsonNode n : nodes) {
            assertEquals("exact-scan", n.get("plan").stringValue());
            assertEquals("", n.get("error").stringValue());
            assertEquals(3, n.get("hits").intValue(), "each node's own top 3 before the merge");
            assertTrue(n.get("round_trip_micros").longValue() >= n.get("node_micros").longValue(), n.toString());
            scanned += n.get("rows_scanned").longValue();
        }
        assertEquals(explained.get("rows_scanned").longValue(), scanned);
    }

    @Test
    void shouldStreamTheHistoryThenOneSampleASecondThatCountsSearches() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.restPort() + "/v1/metrics/live")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElse(null));
        Iterator<String> lines = r.body().iterator();
        try {
            assertEquals("event: history", lines.next());
            assertTrue(json(lines.next().substring("data: ".length())).isArray());
            assertEquals("", lines.next());
            for (int i = 0; i < 20; i++) {
                assertEquals(200, curl.json("POST", "/v1/collections/docs/search", "{\"vector\":[1,0,1],\"k\":1}")
                        .status());
            }
            List<JsonNode> samples = new ArrayList<>();
            double searches = 0;
            while (searches < 20 && samples.size() < 30) {
                assertEquals("event: sample", lines.next());
                JsonNode s = json(lines.next().substring("data: ".length()));
                assertEquals("", lines.next());
                samples.add(s);
                searches += s.get("searches_per_second").doubleValue(); // about one second per sample
            }
            assertTrue(searches >= 19.5, "the 20 searches show in the samples: " + samples);
            assertTrue(samples.stream().anyMatch(s -> s.get("search_p50_ms").doubleValue() > 0), samples.toString());
        } finally {
            r.body().close();
        }
    }

    @Test
    void shouldServeTheDashboardFilesWithAStrictContentSecurityPolicy() {
        Curl.Answer page = curl.get("/dashboard/?refresh=500");
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header("content-type"));
        assertTrue(page.body().contains("<title>VxDB dashboard</title>"));
        assertEquals("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                page.header("content-security-policy"));
        assertEquals("nosniff", page.header("x-content-type-options"));
        assertEquals("text/javascript; charset=utf-8", curl.get("/dashboard/app.js").header("content-type"));
        assertEquals("text/css; charset=utf-8", curl.get("/dashboard/app.css").header("content-type"));
        Curl.Answer chart = curl.get("/dashboard/vendor/uPlot.iife.min.js");
        assertEquals(200, chart.status());
        assertTrue(chart.body().contains("uPlot"), "the chart library the build installed from npm");
        assertEquals(200, curl.get("/dashboard/vendor/uPlot.min.css").status());
        assertError(curl.get("/dashboard/nope.js"), 404, "NOT_FOUND", "no such dashboard file: /dashboard/nope.js");
        assertError(curl.get("/dashboard/vendor/LICENSE"), 404, "NOT_FOUND",
                "no such dashboard file: /dashboard/vendor/LICENSE");
        for (String path : List.of("/", "/dashboard")) {
            Curl.Answer moved = curl.get(path);
            assertEquals(302, moved.status(), path);
            assertEquals("/dashboard/", moved.header("location"), path);
        }
        assertError(curl.json("POST", "/dashboard/", "{}"), 405, "METHOD_NOT_ALLOWED",
                "POST is not allowed on /dashboard/ (allowed: GET)");
    }
}
