package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Short runs of every workload against in-process targets on sift-5k, read back as a user would. */
class LoadBenchTest {

    private static final String SIFT = Path.of(System.getProperty("vxdb.shared.dir"), "data", "sift-5k").toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", SIFT, "--work", dir.toString(), "--progress", "off"));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        String line;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            line = LoadBench.run(all.toArray(String[]::new), out).toString();
        }
        JsonNode json = JSON.readTree(line);
        assertEquals(args[0], json.get("workload").asString());
        assertEquals("sift-5k", json.get("dataset").asString());
        assertTrue(json.get("cpus").asInt() > 0);
        return json;
    }

    @Test
    void shouldRunRecallWithoutWarmUpOrWithMoreWarmUpThanQueries() throws Exception {
        for (String warmup : List.of("0", "250")) {
            JsonNode json = run("recall", "--target", "embedded", "--index", "Flat", "--warmup", warmup);
            assertEquals(100, json.get("results").get(0).get("latency").get("count").asInt(), warmup);
            assertEquals(1.0, json.get("results").get(0).get("recall").asDouble(), warmup);
        }
    }

    @Test
    void shouldMeasureExactRecallOfTwoTargetsAndWriteTheReports() throws Exception {
        Path md = dir.resolve("report/recall.md");
        Path png = dir.resolve("report/recall.png");
        Path jsonFile = dir.resolve("report/recall.json");
        JsonNode json = run("recall", "--target", "direct,embedded", "--index", "Flat", "--k", "10", "--md",
                md.toString(), "--plot", png.toString(), "--json", jsonFile.toString());
        assertEquals("direct", json.get("baseline").asString());
        assertEquals(2, json.get("results").size());
        for (JsonNode r : json.get("results")) {
            assertEquals(1.0, r.get("recall").asDouble(), r.toString());
            assertTrue(r.get("qps").asDouble() > 0);
            assertEquals(100, r.get("latency").get("count").asInt());
            for (String f : List.of("p50", "p99", "p99_9", "max")) {
                assertTrue(r.get("latency").get(f).asDouble() > 0, f);
            }
        }
        JsonNode atGoal = json.get("at_recall_goal");
        assertEquals("direct", atGoal.get(0).get("target").asString());
        assertEquals(1.0, atGoal.get(0).get("qps_ratio_to_baseline").asDouble());
        assertEquals("embedded", atGoal.get(1).get("target").asString());
        assertTrue(atGoal.get(1).get("qps_ratio_to_baseline").asDouble() > 0);
        assertEquals(5000, json.get("loads").get(1).get("rows").asInt());
        assertEquals(json, JSON.readTree(Files.readString(jsonFile)));
        String report = Files.readString(md);
        assertTrue(report.startsWith("# VxDB bench: recall on sift-5k\n"), report);
        assertTrue(report.contains("| target | nprobe | recall@10 | QPS | p50 us | p99 us | p99.9 us | max us |\n"),
                report);
        assertTrue(report.contains("| embedded | default | 1.0000 |"), report);
        assertTrue(report.contains("![latency](recall.png)"), report);
        assertEquals(1000, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void shouldRunClosedAndOpenLoopSearches() throws Exception {
        JsonNode json = run("search", "--target", "embedded", "--index", "Flat", "--clients", "2", "--duration", "0.5",
                "--rate", "50%,20", "--warmup", "20");
        JsonNode t = json.get("targets").get(0);
        assertEquals("embedded", t.get("target").asString());
        JsonNode closed = t.get("closed_loop");
        assertEquals(2, closed.get("clients").asInt());
        assertEquals(0, closed.get("failed").asInt());
        assertTrue(closed.get("completed").asLong() > 0);
        JsonNode open = t.get("open_loop");
        assertEquals(2, open.size());
        assertEquals("50%", open.get(0).get("rate").asString());
        double half = closed.get("achieved_rate").asDouble() / 2;
        assertEquals(half, open.get(0).get("target_rate").asDouble(), half * 1e-5);
        assertEquals(20.0, open.get(1).get("target_rate").asDouble());
        // 20/s for 0.5 s: calls due at 0, 50, ..., 450 ms
        assertEquals(10, open.get(1).get("completed").asLong());
        assertTrue(open.get(1).has("service_time"));
    }

    @Test
    void shouldIngestInBatchesAndReportVectorsPerSecond() throws Exception {
        JsonNode json = run("ingest", "--target", "direct,embedded", "--index", "Flat", "--rows", "2000", "--batch",
                "100", "--concurrency", "2", "--fsync", "always");
        assertEquals(2000, json.get("rows").asInt());
        assertEquals("always", json.get("fsync").asString());
        for (JsonNode t : json.get("targets")) {
            assertEquals(20, t.get("batches").asInt());
            assertTrue(t.get("vectors_per_s").asDouble() > 0);
            assertEquals(20, t.get("batch_latency").get("count").asInt());
            // Exact collections count as indexed at once; the times are still reported, start >= end.
            assertTrue(t.get("indexed_s_from_load_start").asDouble() >= t.get("indexed_s_from_load_end").asDouble());
            assertTrue(t.has("indexed"), t.toString());
        }
        JsonNode without = run("ingest", "--target", "embedded", "--index", "Flat", "--rows", "200", "--batch", "100",
                "--await-indexed", "false");
        assertFalse(without.get("targets").get(0).has("indexed_s_from_load_end"));
    }

    @Test
    void shouldIngestAndSearchTogether() throws Exception {
        JsonNode json = run("mixed", "--target", "embedded", "--index", "Flat", "--duration", "0.5", "--ingest-rate",
                "2000", "--search-rate", "40", "--batch", "100");
        JsonNode t = json.get("targets").get(0);
        assertEquals(2500, t.get("preload").get("rows").asInt());
        // 2000 vectors/s in batches of 100 = 20 batches/s for 0.5 s; searches at 40/s
        assertEquals(10, t.get("ingest").get("completed").asLong());
        assertEquals(1000, t.get("ingest").get("vectors").asLong());
        assertEquals(20, t.get("search").get("completed").asLong());
    }

    @Test
    void shouldMeasureFilteredSearchesBeforeAndAfterTheMetadataIndexes() throws Exception {
        JsonNode json = run("filter", "--target", "embedded", "--index", "Flat", "--filter", "50,1",
                "--filter-queries", "20", "--warmup", "5");
        JsonNode points = json.get("points");
        assertEquals(1 + 3 + 3, points.size(), "unfiltered, then 50%, 1% and cat=c3 without and with indexes");
        assertEquals("unfiltered", points.get(0).get("phase").asString());
        for (JsonNode p : points) {
            assertEquals(1.0, p.get("recall").asDouble(), p.toString()); // Flat: exact
            assertEquals(20, p.get("latency").get("count").asInt());
        }
        assertEquals("range sel < 500000", points.get(4).get("filter").asString());
        assertEquals("indexed", points.get(4).get("phase").asString());
        assertEquals("{filter:exact-matches=20}", points.get(5).get("plans").asString());
        JsonNode builds = json.get("metadata_index_builds");
        assertEquals("ordered:sel", builds.get(0).get("index").asString());
        assertEquals("inverted:cat", builds.get(1).get("index").asString());
        assertTrue(builds.get(0).get("bytes").asLong() > 0);
        assertEquals("--filter: 0 is not a percentage in (0, 100]", assertThrows(IllegalArgumentException.class,
                () -> run("filter", "--filter", "0")).getMessage());
    }

    @Test
    void shouldRejectBadCommandLinesWithClearMessages() {
        assertEquals("unknown workload 'recal' (known: recall, search, ingest, mixed, filter, floor)",
                assertThrows(IllegalArgumentException.class, () -> LoadBench.run(new String[] {"recal"},
                        System.out)).getMessage());
        assertEquals("--target: unknown target 'nodes=1:2' (known: direct, embedded, node=HOST:PORT, "
                + "coordinator=HOST:PORT, rest=HOST:PORT, ws=HOST:PORT, resp=HOST:PORT)", assertThrows(IllegalArgumentException.class,
                () -> run("recall", "--target", "nodes=1:2")).getMessage());
        assertEquals("--rate 'fast' is not a positive rate per second or percentage",
                assertThrows(IllegalArgumentException.class, () -> run("search", "--rate", "fast")).getMessage());
        assertEquals("ingest: --await-indexed 'yes' is invalid: use true or false",
                assertThrows(IllegalArgumentException.class,
                        () -> run("ingest", "--await-indexed", "yes")).getMessage());
        assertEquals("the ground truth has 100 neighbours per query, fewer than k=101",
                assertThrows(IllegalArgumentException.class, () -> run("recall", "--k", "101")).getMessage());
    }
}
