package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.bench.storage.BenchOptions;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.index.Metric;
import org.vxdb.vecs.VectorSet;

/** The rest=, ws= and resp= targets and the floor workload against a real coordinator and two nodes. */
class ProtocolTargetsTest {

    private static final ClientSecurity NO_KEY = ClientSecurity.NONE;

    private static final int DIM = 8;
    private static final int ROWS = 40;

    @TempDir
    static Path dir;

    private static InProcessCluster cluster;
    private static Arena arena;
    private static VectorSet rows;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir);
        arena = Arena.ofShared();
        MemorySegment data = arena.allocate(ValueLayout.JAVA_FLOAT, (long) ROWS * DIM);
        for (int r = 0; r < ROWS; r++) {
            for (int d = 0; d < DIM; d++) {
                data.setAtIndex(ValueLayout.JAVA_FLOAT, (long) r * DIM + d, r * 10 + d * 0.5f);
            }
        }
        rows = new VectorSet(DIM, ROWS, data);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (arena != null) {
            arena.close();
        }
    }

    private static GrpcTarget control() {
        return GrpcTarget.connect("coordinator=127.0.0.1:" + cluster.coordinator().grpcAddress().getPort(),
                GrpcTarget.Options.defaults().withBufferAge(Duration.ofSeconds(1)));
    }

    private static String rest() {
        return "rest=127.0.0.1:" + cluster.restPort();
    }

    private static void writeAndFindEveryRow(ProtocolTarget target) {
        target.create(DIM, Metric.L2, "Flat", ROWS, null);
        target.write(rows, 0, ROWS / 2, 1000);
        target.write(rows, ROWS / 2, ROWS, 1000);
        assertTrue(target.awaitIndexed().endsWith(ROWS + " rows (exact scan)"));
        long[] ids = new long[3];
        float[] distances = new float[3];
        for (int r = 0; r < ROWS; r++) {
            target.search(rows.row(r), 3, 0, ids, distances);
            assertEquals(1000 + r, ids[0], "row " + r);
            assertEquals(0f, distances[0]);
            // the rows are 10 * sqrt(8) = 28.28 apart (not squared: the ground truth's units)
            assertEquals(28.28427f, distances[1], 1e-3f);
        }
    }

    @Test
    void shouldWriteAndSearchThroughRestWithJsonNumbers() {
        try (RestTarget t = new RestTarget(rest(), control(), "numbers", NO_KEY)) {
            writeAndFindEveryRow(t);
        }
    }

    @Test
    void shouldWriteAndSearchThroughRestWithBase64Float32() {
        try (RestTarget t = new RestTarget(rest(), control(), "f32", NO_KEY).withConsistency("all")) {
            writeAndFindEveryRow(t);
        }
    }

    @Test
    void shouldWriteAndSearchThroughResp() {
        try (RespTarget t = new RespTarget("resp=127.0.0.1:" + cluster.respPort(), control(), NO_KEY)) {
            writeAndFindEveryRow(t);
        }
    }

    @Test
    void shouldWriteThroughWebSocketAndRefuseToSearch() {
        try (WsTarget t = new WsTarget("ws=127.0.0.1:" + cluster.restPort(), control(), NO_KEY)) {
            t.create(DIM, Metric.L2, "Flat", ROWS, null);
            t.write(rows, 0, ROWS, 7);
            assertTrue(t.awaitIndexed().endsWith(ROWS + " rows (exact scan)"));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> t.search(rows.row(0), 1, 0, new long[1], new float[1]));
            assertEquals("ws=127.0.0.1:" + cluster.restPort() + ": WebSocket streams carry ingest only; search through"
                    + " coordinator=, rest= or resp=", e.getMessage());
        }
    }

    @Test
    void shouldReportTheServersMessageWhenAWriteIsRefused() {
        VectorSet wrong = new VectorSet(4, 1, arena.allocate(ValueLayout.JAVA_FLOAT, 4));
        try (RespTarget t = new RespTarget("resp=127.0.0.1:" + cluster.respPort(), control(), NO_KEY)) {
            t.create(DIM, Metric.L2, "Flat", 1, null);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.write(wrong, 0, 1, 0));
            assertEquals("resp=127.0.0.1:" + cluster.respPort() + ": VECTOR.MADD of rows [0, 1) failed: ERR vectors[0]:"
                    + " has 4 dimensions, collection '" + t.collection() + "' has 8", e.getMessage());
        }
    }

    @Test
    void shouldRejectBadProtocolTargetsAndEncodings() {
        assertEquals("target 'rest=nohost' is invalid: use rest=HOST:PORT or rest=tls://HOST:PORT", assertThrows(
                IllegalArgumentException.class, () -> new RestTarget("rest=nohost", null, "numbers", NO_KEY))
                .getMessage());
        assertEquals("--rest-encoding 'base64' is invalid: use numbers or f32", assertThrows(
                IllegalArgumentException.class, () -> new RestTarget(rest(), null, "base64", NO_KEY)).getMessage());
        assertEquals("consistency 'most' is invalid: use one, quorum or all", assertThrows(
                IllegalArgumentException.class,
                () -> new RespTarget("resp=127.0.0.1:1", null, NO_KEY).withConsistency("most")).getMessage());
    }

    @Test
    void shouldMeasureTheEmptyRoundTripOfEveryProtocol() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        BenchOptions o = BenchOptions.parse("floor", new String[] {"floor",
            "--grpc", "127.0.0.1:" + cluster.coordinator().grpcAddress().getPort(),
            "--rest", "127.0.0.1:" + cluster.restPort(), "--resp", "127.0.0.1:" + cluster.respPort(),
            "--duration", "1", "--warmup", "10"}, 1, ProtocolFloor.OPTIONS);
        JsonLine json = ProtocolFloor.run(o, new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = json.toString();
        assertTrue(out.startsWith("{\"workload\":\"floor\",\"protocols\":[{\"what\":\"grpc health check\",\"calls\":"),
                out);
        assertTrue(out.contains("{\"what\":\"rest 404 from the adapter\",\"calls\":"), out);
        assertTrue(out.contains("{\"what\":\"resp PING\",\"calls\":"), out);
        assertEquals(3, text.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(" calls  p50 ")).count());
    }
}
