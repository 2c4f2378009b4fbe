package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardDigestResponse;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.repair.Repairer;
import org.vxdb.coordinator.testing.ProcessCluster;
import org.vxdb.node.NodeProcess;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;

/**
 * Three storage node processes (RF 2, 12 clusters, the local topology's layout) behind a
 * coordinator, over loopback gRPC: replication, failover, circuit breaking, partial results and
 * repair with real processes and SIGKILL.
 */
class ClusterIT {

    private static final int CLUSTERS = ProcessCluster.CLUSTERS;

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Coordinator coordinator;
    private ManagedChannel channel;

    private void startCluster() throws Exception {
        ProcessCluster.startNodes(dir, "collection_defaults:\n  buffer_rows: 4000\n", nodes);
        coordinator = ProcessCluster.startCoordinator(dir, nodes, 2, ProcessCluster.RF2_RANGES, "coord-it", """
                write:
                  # Hints and the background pass would repair node-2 on their own: these tests look at
                  # replication and ./vxdb repair alone (ConsistencyIT covers hints and anti-entropy).
                  hint_replay_interval: 1h
                repair:
                  interval: 0s
                nodes:
                  # The first calls reach three node JVMs that have just started (still compiling) on as
                  # few as 2 CPUs: connecting and the first CreateCollection took over 2 s there.
                  call_timeout: 6s
                  write_attempts: 2
                  retry_backoff: 20ms
                  breaker_window: 10
                  breaker_minimum_calls: 4
                  breaker_open_for: 60s
                """);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcAddress().getPort()).usePlaintext()
                .build();
    }

    @AfterEach
    void stopCluster() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        nodes.forEach(NodeProcess::close);
    }

    private VectorServiceGrpc.VectorServiceBlockingStub vectors() {
        return VectorServiceGrpc.newBlockingStub(channel);
    }

    private void createCollection(String name, int dim) {
        CollectionServiceGrpc.newBlockingStub(channel).createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(CollectionSpec.newBuilder().setName(name).setDimension(dim).setMetric(Metric.L2)).build());
    }

    private static Vector vector(long id, float[] values) {
        Vector.Builder v = Vector.newBuilder().setId(id);
        for (float x : values) {
            v.addValues(x);
        }
        return v.build();
    }

    private static SearchRequest query(String collection, float[] q, int k) {
        SearchRequest.Builder b = SearchRequest.newBuilder().setCollection(collection).setK(k);
        for (float x : q) {
            b.addQuery(x);
        }
        return b.build();
    }

    @Test
    void shouldAnswerSift5kExactlyThroughThreeReplicatedNodes() throws Exception {
        startCluster();
        createCollection("sift", 128);
        try (Arena arena = Arena.ofConfined()) {
            Dataset sift = Dataset.load(Path.of(System.getProperty("vxdb.shared.dir"), "data", "sift-5k"), arena);
            for (int start = 0; start < sift.base().count(); start += 500) {
                WriteRequest.Builder batch = WriteRequest.newBuilder().setCollection("sift");
                for (int i = start; i < Math.min(start + 500, sift.base().count()); i++) {
                    batch.addVectors(vector(i, sift.base().row(i)));
                }
                WriteResponse r = vectors().upsert(batch.setConsistency(WriteConsistency.ALL).build());
                assertEquals(List.of(), r.getFailuresList());
            }
            long hits = 0;
            for (int q = 0; q < sift.queries().count(); q++) {
                SearchResponse r = vectors().search(query("sift", sift.queries().row(q), 10));
                assertFalse(r.getPartial());
                long[] ids = r.getHitsList().stream().mapToLong(h -> h.getId()).toArray();
                float[] distances = new float[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    distances[i] = (float) Math.sqrt(r.getHits(i).getDistance());
                }
                hits += Recall.hits(ids, distances, sift.groundTruth()[q], sift.groundTruthDistances()[q], 10, 1e-5);
            }
            // A single node with a Flat index is exact (recall 1.0); three replicated nodes must be too.
            assertEquals(sift.queries().count() * 10L, hits);
        }
        assertCoordinatorMetricsPassPromtool();
    }

    private void assertCoordinatorMetricsPassPromtool() throws Exception {
        java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + coordinator.httpAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        for (String name : List.of("vxdb_coordinator_node_call_duration_seconds_bucket",
                "vxdb_coordinator_breaker_state{node=\"node-1\"} 0.0", "vxdb_coordinator_write_retries_total",
                "vxdb_coordinator_partial_searches_total 0.0", "vxdb_grpc_requests_total", "vxdb_ready 1.0")) {
            assertTrue(scrape.body().contains(name), () -> name + " missing from\n" + scrape.body());
        }
        Path file = dir.resolve("coordinator-metrics.txt");
        Files.writeString(file, scrape.body());
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, promtool.waitFor(), "promtool check metrics:\n" + out);
        assertEquals("", out.strip());
    }

    @Test
    void shouldKeepServingThroughASigkilledNodeAndRepairItAfterRestart() throws Exception {
        startCluster();
        createCollection("live", 4);
        AtomicInteger nextId = new AtomicInteger();
        AtomicReference<String> writeFailure = new AtomicReference<>();
        Runnable writeBatch = () -> {
            WriteRequest.Builder b = WriteRequest.newBuilder().setCollection("live")
                    .setConsistency(WriteConsistency.ONE);
            for (int i = 0; i < 50; i++) {
                int id = nextId.getAndIncrement();
                b.addVectors(vector(id, new float[] {id, id % 7, id % 11, 1}));
            }
            WriteResponse r = vectors().upsert(b.build());
            if (r.getFailuresCount() > 0 || r.getWritten() != 50) {
                writeFailure.compareAndSet(null, r.getFailures(0).getReason());
            }
        };
        for (int i = 0; i < 20; i++) {
            writeBatch.run();
        }
        NodeProcess victim = nodes.get(1);
        victim.kill();
        for (int i = 0; i < 40; i++) {
            writeBatch.run();
            SearchResponse r = vectors().search(query("live", new float[] {i * 50, 0, 0, 1}, 5));
            assertFalse(r.getPartial(), () -> "partial with node-2 down: " + r.getUnavailableRangesList());
            assertEquals(5, r.getHitsCount());
        }
        assertEquals(null, writeFailure.get(), "ONE writes must keep succeeding with one replica down");
        assertEquals(CircuitBreaker.State.OPEN, coordinator.clients().view().clients().get("node-2").breaker()
                .getState());

        NodeProcess restarted = NodeProcess.launch(victim.config, dir.resolve("node-2/restart.log"), victim.grpcPort,
                victim.httpPort).awaitReady();
        nodes.set(1, restarted);
        List<Repairer.ClusterReport> reports = new Repairer(coordinator.clients(), 64, 1000)
                .repairCollection("live");
        assertTrue(reports.stream().allMatch(r -> r.error() == null && r.converged()), reports::toString);
        assertTrue(reports.stream().anyMatch(r -> r.differingBuckets() > 0), "node-2 missed writes: repair had work");
        for (int cluster = 0; cluster < CLUSTERS; cluster++) {
            assertReplicasEqual("live", cluster);
        }
    }

    @Test
    void shouldDeliverWritesToEveryReplicaAfterAnsweringTheClient() throws Exception {
        startCluster();
        createCollection("quorum", 4);
        for (int batch = 0; batch < 20; batch++) {
            WriteRequest.Builder b = WriteRequest.newBuilder().setCollection("quorum")
                    .setConsistency(WriteConsistency.ONE);
            for (int i = 0; i < 100; i++) {
                int id = batch * 100 + i;
                b.addVectors(vector(id, new float[] {id, id % 5, id % 9, 2}));
            }
            assertEquals(100, vectors().upsert(b.build()).getWritten());
        }
        // ONE answers after one replica; the other replica's write must still land
        // (it used to be cancelled with the client's call). No repair runs here.
        for (int cluster = 0; cluster < CLUSTERS; cluster++) {
            awaitReplicasEqual("quorum", cluster);
        }
    }

    /** Replica writes finish after the client's answer: polls the digests until they agree (a minute at most). */
    private void awaitReplicasEqual(String collection, int cluster) throws InterruptedException {
        for (int attempt = 0; attempt < 600; attempt++) {
            if (replicaDigests(collection, cluster).stream().distinct().count() == 1) {
                return;
            }
            Thread.sleep(100);
        }
        assertReplicasEqual(collection, cluster);
    }

    private void assertReplicasEqual(String collection, int cluster) {
        List<ShardDigestResponse> digests = replicaDigests(collection, cluster);
        assertEquals(digests.get(0), digests.get(1), "cluster " + cluster + " replicas differ after repair");
    }

    private List<ShardDigestResponse> replicaDigests(String collection, int cluster) {
        List<ShardDigestResponse> digests = new ArrayList<>();
        for (var node : coordinator.clients().view().topology().replicas(cluster)) {
            ManagedChannel ch = ManagedChannelBuilder.forAddress(node.address().host(), node.address().port())
                    .usePlaintext().build();
            try {
                digests.add(StorageNodeServiceGrpc.newBlockingStub(ch).shardDigest(ShardDigestRequest.newBuilder()
                        .setCollection(collection).setShard(cluster).setBuckets(64).build()));
            } finally {
                ch.shutdownNow();
            }
        }
        return digests;
    }

    @Test
    void shouldSayPartialAndRefuseWritesWhenEveryReplicaOfARangeIsDown() throws Exception {
        startCluster();
        createCollection("gone", 2);
        nodes.get(0).kill();
        nodes.get(1).kill();
        SearchResponse r = vectors().search(query("gone", new float[] {0, 0}, 3));
        assertTrue(r.getPartial());
        assertEquals(1, r.getUnavailableRangesCount());
        assertTrue(r.getUnavailableRanges(0).startsWith("clusters 0-3: node-1 "), r.getUnavailableRanges(0));
        long id = firstIdInCluster(0);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> vectors().upsert(WriteRequest
                .newBuilder().setCollection("gone").addVectors(vector(id, new float[] {1, 2})).build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        // QUORUM is 2 of 2 here: the first replica to fail decides it (which one depends on timing)
        assertTrue(e.getStatus().getDescription().matches("nothing was written: cluster 0 \\(clusters 0-3\\): 0 of 2"
                + " replicas acknowledged, QUORUM needs 2 \\(node-[12] UNAVAILABLE: .*\\)"), e.getStatus().getDescription());
    }

    private static long firstIdInCluster(int cluster) {
        long id = 0;
        while (IdHashing.bucketOf(id, CLUSTERS) != cluster) {
            id++;
        }
        return id;
    }
}
