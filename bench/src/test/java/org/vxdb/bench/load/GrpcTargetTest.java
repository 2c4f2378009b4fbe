package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.node.NodeProcess;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;
import org.vxdb.vecs.VectorSet;

/** The gRPC target against a real storage node process. */
class GrpcTargetTest {

    private static final int K = 10;
    private static final int BATCH = 500;

    @TempDir
    static Path dir;

    private static NodeProcess node;
    private static Arena arena;
    private static Dataset sift;

    @BeforeAll
    static void startNode() throws Exception {
        arena = Arena.ofShared();
        sift = Dataset.load(Path.of(System.getProperty("vxdb.shared.dir"), "data", "sift-5k"), arena);
        node = NodeProcess.start(dir.resolve("node"), dir.resolve("node/data"), "").awaitReady();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
        if (arena != null) {
            arena.close();
        }
    }

    /** Seals after a second, so awaitIndexed does not wait for the node's default buffer age. */
    private static GrpcTarget.Options options() {
        return GrpcTarget.Options.defaults().withBufferAge(Duration.ofSeconds(1));
    }

    private static GrpcTarget connect() {
        return GrpcTarget.connect("node=" + node.grpcTarget(), options());
    }

    @Test
    void shouldWriteMetadataAddIndexesAndSearchWithFilters() throws InterruptedException {
        VectorSet base = sift.base();
        try (GrpcTarget target = connect()) {
            target.withMetadata(FilterWorkload::metadata);
            target.create(base.dimension(), Metric.L2, "Flat", 2_000, null);
            target.write(base, 0, 2_000, 0);
            target.awaitIndexed();
            BenchFilter tenth = FilterWorkload.filters("10").getFirst();
            long[] ids = new long[K];
            float[] distances = new float[K];
            float[] q = sift.queries().row(0);
            assertEquals("filter:exact-matches est=" + estimate(tenth, base), target.search(q, K, tenth, ids,
                    distances));
            int[] matching = IntStream.range(0, 2_000).filter(r -> tenth.engine().matches(FilterWorkload.metadata(r)))
                    .toArray();
            long[] exact = FilterWorkload.exact(base, new float[][] {q}, 1, matching, K, Metric.L2)[0];
            assertArrayEquals(exact, ids);
            target.addMetadataIndex(MetadataIndexSpec.ordered("sel"));
            List<MetadataIndexStats> stats = target.metadataIndexStats();
            assertEquals("ordered:sel", stats.getFirst().spec().toString());
            while (!target.metadataIndexStats().getFirst().isComplete()) { // built on the node's index thread
                Thread.sleep(20);
            }
            assertEquals("filter:exact-matches est=" + matching.length, target.search(q, K, tenth, ids, distances),
                    "once indexed, the estimate is the exact count");
            assertArrayEquals(exact, ids);
        }
    }

    /** The node's sampled estimate before any index: 64 evenly spaced rows of the one buffer or segment. */
    private static long estimate(BenchFilter f, VectorSet base) {
        int hits = 0;
        for (int i = 0; i < 64; i++) {
            if (f.engine().matches(FilterWorkload.metadata((int) ((long) i * 2_000 / 64)))) {
                hits++;
            }
        }
        return Math.round(hits * 2_000 / 64.0);
    }

    @Test
    void shouldFindExactNeighboursOfEverySiftQueryAfterConcurrentWrites() throws Exception {
        VectorSet base = sift.base();
        try (GrpcTarget target = connect()) {
            target.create(base.dimension(), Metric.L2, "Flat", base.count(), null);
            writeFromTwoThreads(target, base);

            assertEquals("node: Flat, 1 shard, 5000 rows (exact scan)", target.awaitIndexed());

            long[] ids = new long[K];
            float[] distances = new float[K];
            int hits = 0;
            for (int q = 0; q < sift.queries().count(); q++) {
                target.search(sift.queries().row(q), K, 0, ids, distances);
                hits += Recall.hits(ids, distances, sift.groundTruth()[q], sift.groundTruthDistances()[q], K, 1e-5);
            }
            assertEquals(1.0, hits / (double) (K * sift.queries().count()));
        }
    }

    private static void writeFromTwoThreads(GrpcTarget target, VectorSet base) throws Exception {
        AtomicInteger nextBatch = new AtomicInteger();
        int batches = (base.count() + BATCH - 1) / BATCH;
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(writers.submit(() -> {
                    for (int b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                        target.write(base, b * BATCH, Math.min(base.count(), (b + 1) * BATCH), 0);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void shouldRejectVectorsOfTheWrongDimensionWithTheServersMessage() {
        VectorSet wrong = new VectorSet(64, 2, arena.allocate(ValueLayout.JAVA_FLOAT, 2 * 64));
        try (GrpcTarget target = GrpcTarget.connect("node=" + node.grpcTarget(), options().withCollection("dim128"))) {
            target.create(128, Metric.L2, "Flat", 2, null);

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> target.write(wrong, 0, 2, 0));

            String server = "vectors[0]: has 64 dimensions, collection 'dim128' has 128";
            assertEquals("node=" + node.grpcTarget() + ": Upsert of rows [0, 2) failed: INVALID_ARGUMENT: " + server,
                    e.getMessage());
            Status status = assertInstanceOf(StatusRuntimeException.class, e.getCause()).getStatus();
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertEquals(server, status.getDescription());
        }
    }

    @Test
    void shouldFillMissingHitsWithMinusOneAndNaNWhenTheCollectionHoldsFewerThanK() {
        MemorySegment rows = arena.allocate(ValueLayout.JAVA_FLOAT, 3 * 2);
        float[] values = {0, 0, 3, 4, 6, 8};
        MemorySegment.copy(values, 0, rows, ValueLayout.JAVA_FLOAT, 0, values.length);
        try (GrpcTarget target = connect()) {
            target.create(2, Metric.L2, "Flat", 3, null);
            target.write(new VectorSet(2, 3, rows), 0, 3, 100);

            long[] ids = new long[5];
            float[] distances = new float[5];
            target.search(new float[] {0, 0}, 5, 0, ids, distances);

            assertArrayEquals(new long[] {100, 101, 102, -1, -1}, ids);
            assertArrayEquals(new float[] {0, 5, 10, Float.NaN, Float.NaN}, distances);
        }
    }

    @Test
    void shouldDropItsCollectionOnClose() {
        GrpcTarget.Options named = options().withCollection("dropped_on_close");
        try (GrpcTarget first = GrpcTarget.connect("node=" + node.grpcTarget(), named)) {
            first.create(4, Metric.COSINE, "Flat", 0, null);
        }
        try (GrpcTarget second = GrpcTarget.connect("node=" + node.grpcTarget(), named)) {
            second.create(4, Metric.COSINE, "Flat", 0, null); // ALREADY_EXISTS had the first one stayed
            assertEquals("dropped_on_close", second.collection());
        }
    }

    @Test
    void shouldSearchAnEmptyTwinCollectionForThePathFloorAndDropItOnClose() throws Exception {
        GrpcTarget.Options named = options().withCollection("path_floor");
        float[][] queries = {{1, 0, 0, 0}, {0, 1, 0, 0}};
        try (GrpcTarget target = GrpcTarget.connect("node=" + node.grpcTarget(), named)) {
            float[] values = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
            MemorySegment data = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
            MemorySegment.copy(values, 0, data, ValueLayout.JAVA_FLOAT, 0, values.length);
            VectorSet rows = new VectorSet(4, 3, data);
            target.create(4, Metric.L2, "Flat", 3, null);
            target.write(rows, 0, 3, 0);
            LoadLoop.Operation emptySearch = target.emptySearch(queries, 2, 0);
            for (long i = 0; i < 4; i++) {
                emptySearch.call(i); // throws if the empty twin answers a hit
            }
            long[] ids = new long[2];
            float[] distances = new float[2];
            target.search(queries[1], 2, 0, ids, distances);
            assertEquals(1, ids[0], "the target's own collection keeps its rows");
            assertEquals(0f, distances[0]);
        }
        try (GrpcTarget again = GrpcTarget.connect("node=" + node.grpcTarget(), named)) {
            again.create(4, Metric.L2, "Flat", 0, null);
            // ALREADY_EXISTS here had close() left the empty twin behind
            again.emptySearch(queries, 2, 0).call(0);
        }
    }

    @Test
    void shouldRefuseThePathFloorBeforeTheCollectionExists() {
        try (GrpcTarget target = connect()) {
            assertEquals("node=" + node.grpcTarget() + ": create() first", assertThrows(IllegalStateException.class,
                    () -> target.emptySearch(new float[][] {{1, 0}}, 1, 0)).getMessage());
        }
    }

    @Test
    void shouldCountIdsWrittenTwiceOnceWhenCheckingWhatTheServerHolds() {
        GrpcTarget.WrittenIds ids = new GrpcTarget.WrittenIds();
        ids.add(1000, 1500);
        ids.add(0, 500);
        ids.add(400, 1100); // overlaps both: [0, 1500)
        ids.add(1500, 1600); // adjacent
        ids.add(2000, 2001);
        ids.add(0, 100); // written again

        assertEquals(1601, ids.count());
    }
}
