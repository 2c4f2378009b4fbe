package org.vxdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.coordinator.testing.InProcessCluster;

/** Every client command against a real cluster: two storage nodes and a coordinator, in process on port 0. */
class ClusterCommandsIT {

    @TempDir
    static Path dir;
    private static InProcessCluster cluster;
    private static String target;
    private static String rest;

    @BeforeAll
    static void start() throws IOException {
        cluster = InProcessCluster.start(dir.resolve("cluster"));
        target = "127.0.0.1:" + cluster.coordinator().grpcAddress().getPort();
        rest = "127.0.0.1:" + cluster.restPort();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--target");
        all.add(target);
        return CliRun.of(all.toArray(String[]::new));
    }

    private static GetResponse get(String collection, long from, long to) {
        GetRequest.Builder g = GetRequest.newBuilder().setCollection(collection).setIncludeMetadata(true);
        for (long id = from; id < to; id++) {
            g.addIds(id);
        }
        return VectorServiceGrpc.newBlockingStub(cluster.channel()).get(g.build());
    }

    private static long vectorCount(String collection) {
        return CollectionServiceGrpc.newBlockingStub(cluster.channel()).describeCollection(
                DescribeCollectionRequest.newBuilder().setName(collection).build()).getCollection().getStats()
                .getVectorCount();
    }

    /** Rows id 0..n-1 with vector (id, id % 7, 1, 0) and metadata parity. */
    private static Path jsonLines(String name, int n) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"id\": ").append(i).append(", \"vector\": [").append(i).append(", ").append(i % 7)
                    .append(", 1, 0], \"metadata\": {\"parity\": \"").append(i % 2 == 0 ? "even" : "odd")
                    .append("\", \"n\": ").append(i).append("}}\n");
        }
        Path f = dir.resolve(name);
        Files.writeString(f, b);
        return f;
    }

    @Test
    void shouldCreateListDescribeAndDropACollection() {
        CliRun created = cli("collections", "create", "things", "--dim", "3", "--metric", "cosine", "--index",
                "Flat", "--metadata-index", "lang");
        assertEquals(0, created.code(), created.toString());
        assertEquals("created collection things (dimension 3, cosine, index Flat)\n", created.out());

        CliRun list = cli("collections", "list");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("things +3 cosine +Flat +0")), list.out());

        CliRun described = cli("collections", "describe", "things");
        assertEquals(0, described.code(), described.toString());
        assertTrue(described.out().contains("dimension:       3\n"), described.out());
        assertTrue(described.out().contains("metadata indexes: lang:inverted\n"), described.out());

        CliRun dropped = cli("collections", "drop", "things");
        assertEquals("dropped collection things\n", dropped.out());
        CliRun again = cli("collections", "drop", "things");
        assertEquals(1, again.code());
        assertEquals("vxdb: unknown collection 'things'\n", again.err());
    }

    @Test
    void shouldNameAnUnknownCollectionInOneLine() {
        CliRun r = cli("collections", "describe", "nope");
        assertEquals(1, r.code());
        assertEquals("vxdb: unknown collection 'nope'\n", r.err());
        assertEquals("", r.out());
        CliRun search = cli("search", "nope", "--vector", "1,2,3");
        assertEquals("vxdb: unknown collection 'nope'\n", search.err());
    }

    @Test
    void shouldResumeAnInterruptedImportWithEveryRowPresentOnce() throws IOException {
        assertEquals(0, cli("collections", "create", "resumed", "--dim", "4", "--metric", "l2").code());
        Path input = jsonLines("resumed.jsonl", 2_500);
        Path state = dir.resolve("resumed.jsonl.vxdb-import");

        CliRun stopped = cli("import", "resumed", input.toString(), "--batch", "1000", "--stop-after-batches", "1");
        assertEquals(75, stopped.code(), stopped.toString());
        assertEquals("vxdb: import stopped after 1 batches at row 1000; run the same command again to resume\n",
                stopped.err());
        Properties saved = new Properties();
        saved.load(Files.newBufferedReader(state));
        assertEquals("1000", saved.getProperty("rows"));
        assertEquals(1_000, vectorCount("resumed"));

        CliRun resumed = cli("import", "resumed", input.toString(), "--batch", "1000");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals("vxdb: resuming the import of " + input + " at row 1000 (state file " + state + ")\n",
                resumed.err());
        assertEquals("imported 1500 rows into resumed (resumed at row 1000, 2500 rows in all)\n", resumed.out());
        assertFalse(Files.exists(state), "a finished import leaves no state");

        assertEquals(2_500, vectorCount("resumed"), "every row once");
        for (long from = 0; from < 2_500; from += 500) {
            GetResponse got = get("resumed", from, from + 500);
            assertEquals(List.of(), got.getMissingIdsList());
            for (StoredVector v : got.getVectorsList()) {
                assertEquals(v.getId() % 2 == 0 ? "even" : "odd", v.getMetadataOrThrow("parity").getStringValue());
            }
        }
    }

    @Test
    void shouldResumeAnImportWhoseProcessWasKilledWithEveryRowPresentOnce() throws Exception {
        assertEquals(0, cli("collections", "create", "killed", "--dim", "4", "--metric", "l2").code());
        Path input = jsonLines("killed.jsonl", 40_000);
        Path state = dir.resolve("killed.jsonl.vxdb-import");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), VxdbCli.class.getName(), "import", "killed", input.toString(),
                "--batch", "50", "--target", target).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
            while (savedRows(state) < 2_000) {
                assertTrue(p.isAlive(), "the import ran to its end before it could be killed: "
                        + Files.readString(dir.resolve("killed.out")));
                assertTrue(System.nanoTime() < deadline, "no progress: " + Files.readString(dir.resolve("killed.out")));
                Thread.sleep(5);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, a batch may be in flight
            p.waitFor();
        }
        long saved = savedRows(state);
        assertTrue(saved >= 2_000 && saved < 40_000, "killed part way: " + saved);

        CliRun resumed = cli("import", "killed", input.toString(), "--batch", "1000");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals("imported " + (40_000 - saved) + " rows into killed (resumed at row " + saved
                + ", 40000 rows in all)\n", resumed.out());
        assertEquals(40_000, vectorCount("killed"), "every row once");
        for (long from = 0; from < 40_000; from += 5_000) {
            assertEquals(List.of(), get("killed", from, from + 5_000).getMissingIdsList());
        }
    }

    private static long savedRows(Path state) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(state)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
        return Long.parseLong(p.getProperty("rows", "0"));
    }

    @Test
    void shouldResumeAfterTheBatchInFlightWasWrittenButNotRecorded() throws IOException {
        // The process died after the cluster took batch 2 but before the state said so: batch 2 is sent again.
        assertEquals(0, cli("collections", "create", "replayed", "--dim", "4", "--metric", "l2").code());
        Path input = jsonLines("replayed.jsonl", 300);
        assertEquals(75, cli("import", "replayed", input.toString(), "--batch", "100", "--stop-after-batches", "2")
                .code());
        Path state = dir.resolve("replayed.jsonl.vxdb-import");
        String text = Files.readString(state).replace("rows=200", "rows=100");
        Files.writeString(state, text);
        CliRun resumed = cli("import", "replayed", input.toString(), "--batch", "100");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals("imported 200 rows into replayed (resumed at row 100, 300 rows in all)\n", resumed.out());
        assertEquals(300, vectorCount("replayed"), "the replayed batch is upserted, not added twice");
    }

    @Test
    void shouldImportCsvAndFvecs() throws IOException {
        assertEquals(0, cli("collections", "create", "formats", "--dim", "3", "--metric", "l2").code());
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "id,vector,lang,year\n1,\"[1,0,0]\",en,2024\n2,0 1 0,de,\n3,0;0;1,\"fr, ca\",1999\n");
        CliRun c = cli("import", "formats", csv.toString());
        assertEquals(0, c.code(), c.toString());
        assertEquals("imported 3 rows into formats\n", c.out());
        GetResponse got = get("formats", 1, 4);
        assertEquals(3, got.getVectorsCount());
        assertEquals(2024, got.getVectors(0).getMetadataOrThrow("year").getIntValue());
        assertEquals("fr, ca", got.getVectors(2).getMetadataOrThrow("lang").getStringValue());
        assertFalse(got.getVectors(1).containsMetadata("year"), "an empty cell is left out");

        Path fvecs = dir.resolve("rows.fvecs");
        ByteBuffer b = ByteBuffer.allocate(5 * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 5; r++) {
            b.putInt(3).putFloat(r).putFloat(r + 1).putFloat(r + 2);
        }
        Files.write(fvecs, b.array());
        assertEquals(0, cli("collections", "create", "sift", "--dim", "3", "--metric", "l2").code());
        CliRun f = cli("import", "sift", fvecs.toString(), "--batch", "2");
        assertEquals("imported 5 rows into sift\n", f.out());
        assertEquals(List.of(), get("sift", 0, 5).getMissingIdsList(), "fvecs rows get their row numbers as ids");
    }

    @Test
    void shouldRejectBadInputInOneLine() throws IOException {
        assertEquals(0, cli("collections", "create", "strict", "--dim", "4", "--metric", "l2").code());
        Path wrongDim = dir.resolve("wrong-dim.jsonl");
        Files.writeString(wrongDim, "{\"id\": 1, \"vector\": [1, 2, 3, 4]}\n{\"id\": 2, \"vector\": [1, 2, 3]}\n");
        CliRun dim = cli("import", "strict", wrongDim.toString());
        assertEquals(1, dim.code());
        assertEquals("vxdb: wrong-dim.jsonl line 2: vector has 3 values, collection 'strict' has dimension 4\n",
                dim.err());

        Path notJson = dir.resolve("not-json.jsonl");
        Files.writeString(notJson, "{\"id\": 1, \"vector\": [1, 2, 3, 4]}\nid,vector\n");
        CliRun bad = cli("import", "strict", notJson.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("vxdb: not-json.jsonl line 2: not JSON ("), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());

        Path missing = dir.resolve("missing.jsonl");
        assertEquals("vxdb: " + missing + ": no such file\n", cli("import", "strict", missing.toString()).err());

        Path noId = dir.resolve("no-id.jsonl");
        Files.writeString(noId, "{\"vector\": [1, 2, 3, 4]}\n");
        assertEquals("vxdb: no-id.jsonl line 1: no \"id\" (a number or a decimal string)\n",
                cli("import", "strict", noId.toString()).err());

        Path text = dir.resolve("rows.txt");
        Files.writeString(text, "1 2 3 4\n");
        assertEquals("vxdb: " + text + ": cannot tell the format from the extension: give --format fvecs, jsonl or"
                + " csv\n", cli("import", "strict", text.toString()).err());

        CliRun query = cli("search", "strict", "--vector", "1,2");
        assertEquals("vxdb: --vector has 2 values, collection 'strict' has dimension 4\n", query.err());
    }

    @Test
    void shouldSearchByVectorByIdAndWithAFilter() throws IOException {
        assertEquals(0, cli("collections", "create", "searched", "--dim", "4", "--metric", "l2").code());
        assertEquals(0, cli("import", "searched", jsonLines("searched.jsonl", 200).toString()).code());

        CliRun inline = cli("search", "searched", "--vector", "10,3,1,0", "-k", "3");
        assertEquals(0, inline.code(), inline.toString());
        List<String> lines = inline.out().lines().toList();
        assertEquals("RANK  ID                   DISTANCE", lines.get(0));
        assertTrue(lines.get(1).matches(" {3}1 {2}10 +0\\.00000"), inline.out());
        assertEquals(4, lines.size(), inline.out());

        CliRun byId = cli("search", "searched", "--id", "42", "-k", "1", "--metadata");
        assertEquals(0, byId.code(), byId.toString());
        assertTrue(byId.out().lines().toList().get(1).matches(" {3}1 {2}42 +0\\.00000 +n=42 parity=\"even\""),
                byId.out());

        CliRun filtered = cli("search", "searched", "--vector", "10,3,1,0", "-k", "5", "--filter",
                "{\"eq\":{\"field\":\"parity\",\"value\":\"odd\"}}", "--metadata");
        assertEquals(0, filtered.code(), filtered.toString());
        List<String> hits = filtered.out().lines().skip(1).toList();
        assertEquals(5, hits.size(), filtered.out());
        assertTrue(hits.stream().allMatch(l -> l.endsWith("parity=\"odd\"")), filtered.out());

        CliRun unknownId = cli("search", "searched", "--id", "100000");
        assertEquals("vxdb: collection 'searched' has no vector with id 100000\n", unknownId.err());
        CliRun badFilter = cli("search", "searched", "--vector", "1,2,3,4", "--filter", "{\"like\":{}}");
        assertEquals("vxdb: --filter: unknown filter 'like' (use eq, in, range, and, or, not)\n", badFilter.err());
    }

    @Test
    void shouldShowTheClusterAtAGlance() {
        CliRun r = CliRun.of("status", "--rest", rest);
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Cluster coord-test (version "), r.out());
        assertTrue(lines.get(0).contains(": 4 clusters, RF 2; 2 of 2 nodes ready, 0 breakers not closed, "), r.out());
        assertTrue(lines.get(0).endsWith(" healthy"), r.out());
        assertTrue(lines.get(2).matches("node-1 +ready +closed +\\d+ .*P 0-1, R 2-3"), r.out());
        assertTrue(lines.get(3).matches("node-2 +ready +closed +\\d+ .*P 2-3, R 0-1"), r.out());
    }

    @Test
    void shouldFindTheAddressesInTheCoordinatorsConfig() throws IOException {
        // The cluster's own config listens on port 0; a copy names the ports it got, on the wildcard host.
        Path copy = dir.resolve("cluster/cli-coordinator.yaml");
        Files.writeString(copy, Files.readString(dir.resolve("cluster/coordinator.yaml"))
                .replaceFirst("grpc:\n  listen: 127.0.0.1:0", "grpc:\n  listen: 0.0.0.0:" + target.split(":")[1])
                .replaceFirst("rest:\n  listen: 127.0.0.1:0", "rest:\n  listen: 0.0.0.0:" + rest.split(":")[1]));
        assertEquals(0, CliRun.of("collections", "create", "configured", "--dim", "2", "--metric", "l2", "--config",
                copy.toString()).code());
        CliRun list = CliRun.of("collections", "list", "--config", copy.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("configured ")), list.toString());
        CliRun status = CliRun.of("status", "--config", copy.toString());
        assertEquals(0, status.code(), status.toString());
        Path missing = dir.resolve("nope.yaml");
        assertEquals("vxdb: --config " + missing + ": no such file\n",
                CliRun.of("collections", "list", "--config", missing.toString()).err());
    }

    @Test
    void shouldSayWhenTheClusterCannotBeReached() {
        CliRun r = CliRun.of("collections", "list", "--target", "127.0.0.1:1", "--timeout", "5");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("vxdb: the cluster is unavailable"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        CliRun status = CliRun.of("status", "--rest", "127.0.0.1:1");
        assertEquals("vxdb: the cluster is unavailable: cannot connect to http://127.0.0.1:1/v1/cluster\n",
                status.err());
    }
}
