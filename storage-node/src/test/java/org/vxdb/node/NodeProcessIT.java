package org.vxdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.lang.foreign.Arena;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.FsyncPolicy;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StreamWriteAck;
import org.vxdb.api.v1.StreamWriteRequest;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;

/**
 * Real node processes from the packaged artifact, reached over loopback gRPC and HTTP by our Java
 * client, by promtool and by Python grpcio.
 */
class NodeProcessIT {

    @TempDir
    static Path shared;
    static NodeProcess node;
    static ManagedChannel channel;

    @BeforeAll
    static void startNode() throws Exception {
        node = NodeProcess.start(shared.resolve("main"), shared.resolve("main/data"), "").awaitReady();
        channel = ManagedChannelBuilder.forTarget(node.grpcTarget()).usePlaintext().build();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (node != null) {
            assertEquals(0, node.terminate(), node::logText);
        }
    }

    static CollectionSpec spec(String name, int dim) {
        return CollectionSpec.newBuilder().setName(name).setDimension(dim).setMetric(Metric.L2).build();
    }

    @Test
    void shouldServeSift5kOverGrpcWithExactRecall() throws Exception {
        Path dir = Path.of(System.getProperty("vxdb.shared.dir"), "data", "sift-5k");
        try (Arena arena = Arena.ofConfined()) {
            Dataset sift = Dataset.load(dir, arena);
            CollectionServiceGrpc.newBlockingStub(channel).createCollection(CreateCollectionRequest.newBuilder()
                    .setSpec(spec("sift", 128).toBuilder().setShardCount(2)).build());
            VectorServiceGrpc.VectorServiceBlockingStub vectors = VectorServiceGrpc.newBlockingStub(channel);
            for (int start = 0; start < sift.base().count(); start += 500) {
                WriteRequest.Builder batch = WriteRequest.newBuilder().setCollection("sift");
                for (int i = start; i < Math.min(start + 500, sift.base().count()); i++) {
                    batch.addVectors(vector(i, sift.base().row(i)));
                }
                assertEquals(batch.getVectorsCount(), vectors.upsert(batch.build()).getWritten());
            }
            int k = 10;
            long hits = 0;
            for (int q = 0; q < sift.queries().count(); q++) {
                SearchRequest.Builder request = SearchRequest.newBuilder().setCollection("sift").setK(k);
                for (float x : sift.queries().row(q)) {
                    request.addQuery(x);
                }
                SearchResponse r = vectors.search(request.build());
                long[] ids = r.getHitsList().stream().mapToLong(h -> h.getId()).toArray();
                float[] distances = new float[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    distances[i] = (float) Math.sqrt(r.getHits(i).getDistance());
                }
                hits += Recall.hits(ids, distances, sift.groundTruth()[q], sift.groundTruthDistances()[q], k, 1e-5);
            }
            assertEquals(sift.queries().count() * (long) k, hits, "recall@10 must be exact with a Flat index");
        }
    }

    static Vector vector(long id, float[] values) {
        Vector.Builder v = Vector.newBuilder().setId(id);
        for (float x : values) {
            v.addValues(x);
        }
        return v.build();
    }

    @Test
    void shouldBeHealthyAndExposeMetricsThatPassPromtool() throws Exception {
        assertEquals(200, node.http("/healthz").statusCode());
        assertEquals("ready\n", node.http("/readyz").body());
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
        HttpResponse<String> scrape = node.http("/metrics");
        assertEquals(200, scrape.statusCode());
        for (String name : List.of("vxdb_grpc_requests_total", "vxdb_grpc_request_duration_seconds_bucket",
                "vxdb_ingest_records_total", "vxdb_wal_fsync_duration_seconds_bucket", "vxdb_buffer_rows",
                "vxdb_segments", "vxdb_indexed_rows", "vxdb_index_build_duration_seconds_count",
                "vxdb_native_memory_used_bytes", "vxdb_segment_mapped_bytes", "jvm_memory_used_bytes",
                "jvm_buffer_pool_used_bytes", "vxdb_ready 1.0", "vxdb_index_provider_info{")) {
            assertTrue(scrape.body().contains(name), () -> name + " missing from\n" + scrape.body());
        }
        Path file = shared.resolve("scrape.txt");
        Files.writeString(file, scrape.body());
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + out);
        assertEquals("", out.strip(), "promtool reported problems");
    }

    @Test
    void shouldServeAPythonGrpcioClient() throws Exception {
        Path stubs = shared.resolve("python-stubs");
        Files.createDirectories(stubs);
        Path protoDir = Path.of(System.getProperty("vxdb.project.dir"), "proto", "src", "main", "protobuf");
        run(List.of("/usr/bin/python3", "-m", "grpc_tools.protoc", "-I", protoDir.toString(),
                "--python_out=" + stubs, "--grpc_python_out=" + stubs, "vxdb/v1/vxdb.proto"), "grpc_tools.protoc");
        Files.createFile(stubs.resolve("vxdb/__init__.py"));
        Files.createFile(stubs.resolve("vxdb/v1/__init__.py"));
        Path script = Path.of(System.getProperty("vxdb.project.dir"), "storage-node", "src", "test", "python",
                "grpcio_client_check.py");
        String out = run(List.of("/usr/bin/python3", script.toString(), "--target", node.grpcTarget(), "--stubs",
                stubs.toString()), "the Python client");
        assertTrue(out.contains("20 searches match brute force exactly"), out);
        assertTrue(out.strip().endsWith("python grpcio client: ok"), out);
    }

    private static String run(List<String> cmd, String what) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), what + " did not finish");
        assertEquals(0, p.exitValue(), what + " failed:\n" + out);
        return out;
    }

    /**
     * Streams batches into a node and sends SIGTERM after a few acknowledgements: the node drains,
     * exits 0, and after a restart every acknowledged batch is there.
     */
    @Test
    void shouldKeepEveryAcknowledgedBatchThroughSigterm(@TempDir Path work) throws Exception {
        Path data = work.resolve("data");
        List<Long> acked = new ArrayList<>();
        try (NodeProcess n = NodeProcess.start(work.resolve("first"), data, "").awaitReady()) {
            ManagedChannel ch = ManagedChannelBuilder.forTarget(n.grpcTarget()).usePlaintext().build();
            try {
                CollectionServiceGrpc.newBlockingStub(ch).createCollection(CreateCollectionRequest.newBuilder()
                        .setSpec(spec("ingest", 8).toBuilder().setFsyncPolicy(FsyncPolicy.FSYNC_BATCH)).build());
                ConcurrentLinkedQueue<StreamWriteAck> acks = new ConcurrentLinkedQueue<>();
                CompletableFuture<Throwable> end = new CompletableFuture<>();
                StreamObserver<StreamWriteRequest> in = VectorServiceGrpc.newStub(ch).streamUpsert(new StreamObserver<>() {
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
                int batch = 0;
                boolean terminated = false;
                while (!end.isDone() && batch < 100_000) {
                    WriteRequest.Builder b = WriteRequest.newBuilder().setCollection("ingest");
                    for (int i = 0; i < 100; i++) {
                        long id = batch * 100L + i;
                        b.addVectors(vector(id, new float[] {id, 1, 2, 3, 4, 5, 6, 7}));
                    }
                    in.onNext(StreamWriteRequest.newBuilder().setSequence(batch).setBatch(b).build());
                    batch++;
                    if (!terminated && acks.size() >= 20) {
                        terminated = true;
                        n.signalTerm(); // keep streaming: the draining node ends the stream with UNAVAILABLE
                    }
                    while (batch - acks.size() > 50 && !end.isDone()) {
                        Thread.sleep(1); // at most 50 batches in flight
                    }
                }
                Throwable ended = end.get(1, TimeUnit.MINUTES);
                assertTrue(terminated, "the stream ended before SIGTERM: " + ended);
                assertEquals(0, n.waitForExit(), n::logText);
                assertTrue(n.logText().contains("stopped in"), n::logText);
                for (StreamWriteAck ack : acks) {
                    acked.addAll(ack.getResult().getIdsList());
                }
                assertTrue(acked.size() >= 2000, "acknowledged " + acked.size());
            } finally {
                ch.shutdownNow();
            }
        }
        try (NodeProcess again = NodeProcess.start(work.resolve("second"), data, "").awaitReady()) {
            ManagedChannel ch = ManagedChannelBuilder.forTarget(again.grpcTarget()).usePlaintext().build();
            try {
                VectorServiceGrpc.VectorServiceBlockingStub stub = VectorServiceGrpc.newBlockingStub(ch);
                for (int from = 0; from < acked.size(); from += 1000) {
                    GetResponse r = stub.get(GetRequest.newBuilder().setCollection("ingest")
                            .addAllIds(acked.subList(from, Math.min(from + 1000, acked.size()))).build());
                    assertEquals(List.of(), r.getMissingIdsList(), "acknowledged ids lost after SIGTERM");
                }
            } finally {
                ch.shutdownNow();
            }
            assertEquals(0, again.terminate(), again::logText);
        }
    }

    @Test
    void shouldRefuseAnInvalidConfigNamingTheField(@TempDir Path work) throws Exception {
        Path config = work.resolve("bad.yaml");
        Files.writeString(config, "node_id: n1\ngrpc:\n  max_batch_rows: 0\nstorage:\n  data_dirs: [" + work + "]\n");
        NodeProcess bad = NodeProcess.launch(config, work.resolve("bad.log"), 0, 0);
        assertEquals(2, bad.waitForExit());
        List<String> lines = bad.logText().strip().lines().filter(l -> !l.startsWith("WARNING: Using incubator"))
                .toList();
        assertEquals(List.of("vxdb node: invalid configuration: " + config
                + ": grpc.max_batch_rows: 0 is invalid: use 1-100000"), lines);
    }

    @Test
    void shouldAnswerBadInputOverTheWireAndStayUp() {
        VectorServiceGrpc.VectorServiceBlockingStub stub = VectorServiceGrpc.newBlockingStub(channel);
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> stub.upsert(WriteRequest.newBuilder().setCollection("missing").addVectors(vector(1, new float[] {1}))
                        .build()));
        assertEquals("NOT_FOUND: unknown collection 'missing'", e.getMessage());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }
}
