package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.api.VersionCodec;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardDigestResponse;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.testing.ProcessCluster;
import org.vxdb.node.NodeProcess;

/**
 * What the consistency levels, hinted handoff, the background anti-entropy pass and the version
 * clock promise, with storage nodes as real processes (SIGKILL and restart) behind a coordinator:
 * QUORUM is a majority and says which range it could not reach; a write acknowledged at QUORUM is
 * on a majority of the replicas; a node killed under write load and restarted catches up on its
 * own with its breaker closed; drift is repaired without {@code ./vxdb repair}; a QUORUM read
 * returns the newest version and repairs the stale replica; versions from a node's own clock and
 * the coordinator's order writes as they happened.
 */
class ConsistencyIT {

    private static final int CLUSTERS = ProcessCluster.CLUSTERS;

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Coordinator coordinator;
    private ManagedChannel channel;

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

    private void startNodes() throws Exception {
        ProcessCluster.startNodes(dir, "collection_defaults:\n  buffer_rows: 4000\n", nodes);
    }

    /** RF 2 as the local cluster lays it out, or RF 3 with every range on every node. */
    private void startCoordinator(int rf, String extraYaml) throws Exception {
        coordinator = ProcessCluster.startCoordinator(dir, nodes, rf,
                rf == 2 ? ProcessCluster.RF2_RANGES : ProcessCluster.RF3_RANGES, "coord-it", """
                nodes:
                  call_timeout: 6s
                  write_attempts: 2
                  retry_backoff: 20ms
                  breaker_window: 10
                  breaker_minimum_calls: 4
                  breaker_open_for: 1s
                """ + extraYaml);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", coordinator.grpcAddress().getPort()).usePlaintext()
                .build();
    }

    private VectorServiceGrpc.VectorServiceBlockingStub vectors() {
        return VectorServiceGrpc.newBlockingStub(channel);
    }

    private void createCollection(String name) {
        CollectionServiceGrpc.newBlockingStub(channel).createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(CollectionSpec.newBuilder().setName(name).setDimension(2).setMetric(Metric.L2)).build());
    }

    private static Vector vector(long id, float x) {
        return Vector.newBuilder().setId(id).addValues(x).addValues(1).build();
    }

    private static long idIn(int cluster, long from) {
        long id = from;
        while (IdHashing.bucketOf(id, CLUSTERS) != cluster) {
            id++;
        }
        return id;
    }

    /** A call on one node's own gRPC port. */
    private <T> T onNode(int index, Function<ManagedChannel, T> call) {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", nodes.get(index).grpcPort).usePlaintext()
                .build();
        try {
            return call.apply(ch);
        } finally {
            ch.shutdownNow();
        }
    }

    /** The version of {@code id} on node {@code index} (its public API reads that node alone), or 0. */
    private long versionOn(int index, String collection, long id) {
        GetResponse r = onNode(index, ch -> VectorServiceGrpc.newBlockingStub(ch).get(GetRequest.newBuilder()
                .setCollection(collection).addIds(id).build()));
        return r.getVectorsCount() == 0 ? 0 : r.getVectors(0).getVersion();
    }

    private ShardDigestResponse digest(int index, String collection, int cluster) {
        return onNode(index, ch -> StorageNodeServiceGrpc.newBlockingStub(ch).shardDigest(ShardDigestRequest
                .newBuilder().setCollection(collection).setShard(cluster).setBuckets(16).build()));
    }

    private boolean replicasAgree(String collection) {
        var topology = coordinator.clients().view().topology();
        for (int cluster = 0; cluster < CLUSTERS; cluster++) {
            List<ShardDigestResponse> digests = new ArrayList<>();
            for (var node : topology.replicas(cluster)) {
                digests.add(digest(Integer.parseInt(node.id().substring(5)) - 1, collection, cluster));
            }
            if (digests.stream().distinct().count() != 1) {
                return false;
            }
        }
        return true;
    }

    /** Polls until every cluster's replicas have equal digests; false after two minutes. */
    private boolean awaitAgreement(String collection) throws InterruptedException {
        for (int attempt = 0; attempt < 1200; attempt++) {
            if (replicasAgree(collection)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------

    @Test
    void quorumAtRf2NeedsBothReplicasAndNamesTheRangeWhileOneSucceeds() throws Exception {
        startNodes();
        startCoordinator(2, "");
        createCollection("q2");
        nodes.get(1).kill();
        long id = idIn(0, 0); // clusters 0-3 live on node-1 and node-2
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> vectors().upsert(
                WriteRequest.newBuilder().setCollection("q2").setConsistency(WriteConsistency.QUORUM)
                        .addVectors(vector(id, 1)).build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().matches("nothing was written: cluster 0 \\(clusters 0-3\\): [01] of 2"
                + " replicas acknowledged, QUORUM needs 2 \\(node-2 UNAVAILABLE: .*\\)"), e.getStatus().getDescription());
        WriteResponse one = vectors().upsert(WriteRequest.newBuilder().setCollection("q2")
                .setConsistency(WriteConsistency.ONE).addVectors(vector(id, 2)).build());
        assertEquals(1, one.getWritten());
        assertEquals(List.of(), one.getFailuresList());
        long other = idIn(4, 0); // clusters 4-7 live on node-3 and node-1: QUORUM is still possible there
        assertEquals(1, vectors().upsert(WriteRequest.newBuilder().setCollection("q2")
                .setConsistency(WriteConsistency.QUORUM).addVectors(vector(other, 3)).build()).getWritten());
    }

    @Test
    void quorumAtRf3SurvivesANodeDownAndIsOnAMajorityWhenAcknowledged() throws Exception {
        startNodes();
        startCoordinator(3, "");
        createCollection("q3");
        for (long id = 1; id <= 30; id++) {
            assertEquals(1, vectors().upsert(WriteRequest.newBuilder().setCollection("q3")
                    .setConsistency(WriteConsistency.QUORUM).addVectors(vector(id, id)).build()).getWritten());
            long version = vectors().get(GetRequest.newBuilder().setCollection("q3").addIds(id)
                    .setConsistency(WriteConsistency.QUORUM).build()).getVectors(0).getVersion();
            int holding = 0;
            for (int node = 0; node < 3; node++) {
                holding += versionOn(node, "q3", id) == version ? 1 : 0;
            }
            assertTrue(holding >= 2, "id " + id + " is on " + holding + " of 3 replicas after a QUORUM ack");
        }
        nodes.get(2).kill();
        for (long id = 31; id <= 40; id++) {
            WriteResponse r = vectors().upsert(WriteRequest.newBuilder().setCollection("q3")
                    .setConsistency(WriteConsistency.QUORUM).addVectors(vector(id, id)).build());
            assertEquals(1, r.getWritten(), r.toString());
            assertTrue(versionOn(0, "q3", id) > 0 && versionOn(1, "q3", id) > 0,
                    "id " + id + ": both live replicas hold a QUORUM write when it is acknowledged");
        }
        StatusRuntimeException all = assertThrows(StatusRuntimeException.class, () -> vectors().upsert(
                WriteRequest.newBuilder().setCollection("q3").setConsistency(WriteConsistency.ALL)
                        .addVectors(vector(41, 1)).build()));
        assertTrue(all.getStatus().getDescription().contains("ALL needs 3"), all.getStatus().getDescription());
    }

    @Test
    void aNodeKilledUnderLoadCatchesUpThroughHintsWithItsBreakerClosed() throws Exception {
        startNodes();
        // No background pass: the hints alone must bring node-2 back in step.
        startCoordinator(2, "write:\n  consistency: one\n  hint_replay_interval: 200ms\nrepair:\n  interval: 0s\n");
        createCollection("load");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger nextId = new AtomicInteger();
        AtomicLong written = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                WriteRequest.Builder b = WriteRequest.newBuilder().setCollection("load");
                for (int i = 0; i < 200; i++) {
                    int id = nextId.getAndIncrement();
                    b.addVectors(vector(id, id % 1000));
                }
                try {
                    WriteResponse r = vectors().upsert(b.build());
                    written.addAndGet(r.getWritten());
                    r.getFailuresList().forEach(f -> failures.add(f.getId() + " " + f.getReason()));
                } catch (StatusRuntimeException e) {
                    failures.add(e.getStatus().toString());
                }
            }
        });
        try {
            awaitWritten(written, 5_000);
            NodeProcess victim = nodes.get(1);
            victim.kill();
            awaitWritten(written, written.get() + 10_000);
            CircuitBreaker breaker = coordinator.clients().view().clients().get("node-2").breaker();
            NodeProcess restarted = NodeProcess.launch(victim.config, dir.resolve("node-2/restart.log"),
                    victim.grpcPort, victim.httpPort).awaitReady();
            nodes.set(1, restarted);
            // Once the breaker has closed after the restart, it must stay closed while node-2 catches up.
            for (int attempt = 0; breaker.getState() != CircuitBreaker.State.CLOSED && attempt < 600; attempt++) {
                Thread.sleep(100);
            }
            assertEquals(CircuitBreaker.State.CLOSED, breaker.getState(), "node-2's breaker after its restart");
            List<String> transitions = new CopyOnWriteArrayList<>();
            breaker.getEventPublisher().onStateTransition(t -> transitions.add(t.getStateTransition().toString()));
            awaitWritten(written, written.get() + 20_000);
            writing.set(false);
            writer.join(TimeUnit.MINUTES.toMillis(1));
            assertEquals(List.of(), failures, "no write fails while only one node is down");
            assertTrue(awaitAgreement("load"), "node-2 reached its replicas' digests through hints alone");
            assertEquals(List.of(), transitions, "node-2's breaker stayed closed while it caught up");
        } finally {
            writing.set(false);
            writer.join(TimeUnit.MINUTES.toMillis(1));
        }
    }

    @Test
    void hintsReachANodeThatReturnsAfterTheWritesStopped() throws Exception {
        startNodes();
        startCoordinator(2, "write:\n  consistency: one\n  hint_replay_interval: 200ms\nrepair:\n  interval: 0s\n");
        createCollection("quiet");
        NodeProcess victim = nodes.get(1);
        victim.kill();
        for (int batch = 0; batch < 10; batch++) {
            WriteRequest.Builder b = WriteRequest.newBuilder().setCollection("quiet");
            for (int i = 0; i < 100; i++) {
                b.addVectors(vector(batch * 100L + i, i));
            }
            assertEquals(100, vectors().upsert(b.build()).getWritten());
        }
        // node-2's breaker opened during the outage and sees no traffic after it: the hints still go.
        nodes.set(1, NodeProcess.launch(victim.config, dir.resolve("node-2/restart.log"), victim.grpcPort,
                victim.httpPort).awaitReady());
        assertTrue(awaitAgreement("quiet"), "node-2 got its hints with no client traffic");
        assertEquals(CircuitBreaker.State.CLOSED, coordinator.clients().view().clients().get("node-2").breaker()
                .getState(), "the delivery closed the breaker");
    }

    private static void awaitWritten(AtomicLong written, long target) throws InterruptedException {
        for (int attempt = 0; written.get() < target && attempt < 1200; attempt++) {
            Thread.sleep(100);
        }
        assertTrue(written.get() >= target, "only " + written.get() + " of " + target + " rows written");
    }

    @Test
    void theBackgroundPassRepairsDriftWithoutARepairCommand() throws Exception {
        startNodes();
        startCoordinator(2, "repair:\n  interval: 1s\n  rows_per_second: 500\n");
        createCollection("drift");
        // 1,500 records of cluster 9 (node-2 and node-3), written to node-3 only
        ShardWriteRequest.Builder w = ShardWriteRequest.newBuilder().setCollection("drift").setShard(9);
        long rowId = -1;
        for (int i = 0; i < 1500; i++) {
            rowId = idIn(9, rowId + 1);
            w.addRecords(ShardRecord.newBuilder().setId(rowId).setVersion(VersionCodec.version(
                    TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()), 0)).setOp(RecordOp.UPSERT)
                    .addValues(i).addValues(1));
        }
        onNode(2, ch -> StorageNodeServiceGrpc.newBlockingStub(ch).writeShard(w.build())); // node-3 only
        assertTrue(!digest(1, "drift", 9).equals(digest(2, "drift", 9)), "the replicas of cluster 9 differ");
        assertTrue(awaitAgreement("drift"), "the background pass brought them together");
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + coordinator.httpAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^vxdb_antientropy_rows_repaired_total (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        assertEquals(1500, Double.parseDouble(m.group(1)), "rows repaired: " + m.group(1));
        assertTrue(metrics.contains("vxdb_antientropy_last_pass_timestamp_seconds"), metrics);
    }

    @Test
    void aQuorumReadReturnsTheNewestVersionAndRepairsTheStaleReplica() throws Exception {
        startNodes();
        startCoordinator(2, "repair:\n  interval: 0s\n");
        createCollection("rr");
        long id = idIn(1, 0); // clusters 0-3: node-1 (primary), node-2
        vectors().upsert(WriteRequest.newBuilder().setCollection("rr").setConsistency(WriteConsistency.ALL)
                .addVectors(vector(id, 1)).build());
        long newer = VersionCodec.version(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()) + 1_000_000, 0);
        onNode(1, ch -> StorageNodeServiceGrpc.newBlockingStub(ch).writeShard(ShardWriteRequest.newBuilder()
                .setCollection("rr").setShard(1).addRecords(ShardRecord.newBuilder().setId(id).setVersion(newer)
                        .setOp(RecordOp.UPSERT).addValues(42).addValues(1)).build())); // node-2 only
        GetResponse one = vectors().get(GetRequest.newBuilder().setCollection("rr").addIds(id)
                .setIncludeVectors(true).build());
        assertTrue(one.getVectors(0).getVersion() < newer, "ONE reads the primary, which has the older version");
        GetResponse quorum = vectors().get(GetRequest.newBuilder().setCollection("rr").addIds(id)
                .setIncludeVectors(true).setConsistency(WriteConsistency.QUORUM).build());
        assertEquals(newer, quorum.getVectors(0).getVersion());
        assertEquals(42f, quorum.getVectors(0).getValues(0));
        for (int attempt = 0; versionOn(0, "rr", id) != newer && attempt < 100; attempt++) {
            Thread.sleep(100);
        }
        assertEquals(newer, versionOn(0, "rr", id), "the primary was repaired by the read");
    }

    @Test
    void versionsFromANodeAndFromCoordinatorsOrderWritesAsTheyHappened() throws Exception {
        startNodes();
        startCoordinator(2, "write:\n  consistency: all\n");
        createCollection("v");
        long id = idIn(0, 100); // node-1 and node-2
        vectors().upsert(WriteRequest.newBuilder().setCollection("v").addVectors(vector(id, 1)).build());
        // through node-1's own API after the coordinator: the later write wins
        onNode(0, ch -> VectorServiceGrpc.newBlockingStub(ch).upsert(WriteRequest.newBuilder().setCollection("v")
                .addVectors(vector(id, 2)).build()));
        assertEquals(2f, valueOn(0, "v", id));
        // and through the coordinator after the node: the later write wins again, on both replicas
        vectors().upsert(WriteRequest.newBuilder().setCollection("v").addVectors(vector(id, 3)).build());
        assertEquals(3f, valueOn(0, "v", id));
        assertEquals(3f, valueOn(1, "v", id));

        // A coordinator started after a node holds a version an hour ahead of the wall clock issues newer ones.
        long future = VersionCodec.version(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())
                + TimeUnit.HOURS.toMicros(1), 0);
        long seeded = idIn(2, 0);
        onNode(0, ch -> StorageNodeServiceGrpc.newBlockingStub(ch).writeShard(ShardWriteRequest.newBuilder()
                .setCollection("v").setShard(2).addRecords(ShardRecord.newBuilder().setId(seeded).setVersion(future)
                        .setOp(RecordOp.UPSERT).addValues(1).addValues(1)).build()));
        channel.shutdownNow();
        coordinator.close();
        startCoordinator(2, "write:\n  consistency: all\n");
        vectors().upsert(WriteRequest.newBuilder().setCollection("v").addVectors(vector(seeded, 7)).build());
        assertTrue(versionOn(0, "v", seeded) > future, "the new coordinator's write is newer than the seeded one");
        assertEquals(7f, valueOn(0, "v", seeded));
        assertEquals(7f, valueOn(1, "v", seeded));
    }

    private float valueOn(int index, String collection, long id) {
        return onNode(index, ch -> VectorServiceGrpc.newBlockingStub(ch).get(GetRequest.newBuilder()
                .setCollection(collection).addIds(id).setIncludeVectors(true).build())).getVectors(0).getValues(0);
    }
}
