package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.coordinator.testing.WarningLog;
import org.vxdb.node.StorageNode;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.ConfigTesting;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/runbooks/corrupt-segment.md, followed as written: a segment file of a real node is corrupted
 * while the node is stopped, the node restarts and quarantines it, and each step's command block
 * of the runbook is run ({@link RunbookSteps}) against this cluster. The rows come back from the
 * other replica. Needs curl and jq.
 */
class CorruptSegmentRunbookTest {

    private static final Pattern STEP = Pattern.compile("(?m)^## (\\d)\\. .*?\\R```sh\\R(.*?)\\R```", Pattern.DOTALL);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROWS = 1000;
    private static final int BATCH = 10;
    /**
     * WAL files of 4 KiB: sealed rows leave the WAL soon (a file is deleted once a seal covers all
     * of it), so the quarantined segment's rows are nowhere else on the node, as on a long-running
     * one. With them still in its WAL, a node replays them at open and nothing drifts.
     */
    private static final String SMALL_WAL = "  wal_max_file_bytes: 4KiB\n  wal_max_record_bytes: 2KiB\n";

    @TempDir
    Path dir;

    /** The runbook's command blocks by step number. */
    private static Map<Integer, String> steps() throws IOException {
        String text = Files.readString(ConfigTesting.repoFile("docs/runbooks/corrupt-segment.md"));
        Map<Integer, String> steps = new LinkedHashMap<>();
        Matcher m = STEP.matcher(text);
        while (m.find()) {
            steps.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), List.copyOf(steps.keySet()), text);
        return steps;
    }

    private static void post(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, () -> path + ": " + r.statusCode() + " " + r.body());
    }

    private static String scrape(StorageNode node) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpAddress().getPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode shards(int rest) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest
                + "/v1/collections/docs/shards")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static List<Path> files(Path root, String glob) throws IOException {
        var matcher = root.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(matcher::matches).sorted().toList();
        }
    }

    private static void flipAByteInTheMiddle(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long at = ch.size() / 2;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b.flip(), at);
        }
    }

    @Test
    void shouldQuarantineACorruptSegmentAndGetItsRowsBackByFollowingTheRunbook() throws Exception {
        Map<Integer, String> steps = steps();
        try (InProcessCluster cluster = InProcessCluster.startWithNodeStorage(dir, SMALL_WAL);
             WarningLog log = WarningLog.attach()) {
            int rest = cluster.restPort();
            post(rest, "/v1/collections", "{\"name\":\"docs\",\"dimension\":4,\"metric\":\"l2\",\"buffer_rows\":100}");
            for (int b = 0; b < ROWS; b += BATCH) {
                StringBuilder rows = new StringBuilder();
                for (int i = b; i < b + BATCH; i++) {
                    rows.append(i == b ? "" : ",").append("{\"id\":").append(i).append(",\"values\":[").append(i)
                            .append(",1,2,3]}");
                }
                post(rest, "/v1/collections/docs/vectors", "{\"vectors\":[" + rows + "]}");
            }

            StorageNode node1 = cluster.nodes().getFirst();
            int grpcPort = node1.grpcAddress().getPort();
            Path data = dir.resolve("node-1/data");
            node1.close();
            List<Path> segments = files(data, "**/shard-*/seg-*.vxs");
            assertFalse(segments.isEmpty(), "no sealed segment on node-1");
            Path victim = segments.getFirst();
            flipAByteInTheMiddle(victim);
            log.drain();
            try (StorageNode restarted = StorageNode.start(NodeConfig.parse("""
                    node_id: node-1
                    grpc:
                      listen: 127.0.0.1:%d
                    http:
                      listen: 127.0.0.1:0
                    storage:
                      data_dirs: [data]
                    """.formatted(grpcPort) + SMALL_WAL, dir.resolve("node-1")))) {
                // The signal the runbook starts from: the node's log.
                assertTrue(log.drain().stream().anyMatch(l -> l.startsWith(
                        "ERROR org.vxdb.storage.shard.Shard: quarantined segment " + victim + ": ")), "log line");
                Map<String, String> env = Map.of("VXDB_REST", "http://127.0.0.1:" + rest,
                        "VXDB_NODE_DATA", data.toString(),
                        "VXDB_COORD_CONFIG", repairConfig().toString());

                String metric = "vxdb_quarantined_segment_files{dir=\"" + data + "\"} ";
                assertTrue(scrape(restarted).contains(metric + "1.0\n"), "the alert's metric counts the file");

                // 1. Find the quarantined files.
                Path quarantined = victim.getParent().resolve("quarantine").resolve(victim.getFileName());
                assertEquals(quarantined + "\n", RunbookSteps.bash(steps.get(1), env));
                int shard = Integer.parseInt(victim.getParent().getFileName().toString().substring("shard-".length()));

                // 2. The replicas of that shard differ; node-1's has fewer records.
                awaitAnswerFromEveryReplica(rest);
                String step2 = RunbookSteps.bash(steps.get(2), env);
                JsonNode seen = shards(rest);
                assertEquals(1, step2.lines().count(), () -> "one shard drifts: " + step2 + " " + seen + " " + victim);
                JsonNode drifting = JSON.readTree(step2);
                assertEquals(shard, drifting.get("shard").intValue(), step2);
                assertEquals("drifting", drifting.get("agreement").stringValue());
                Map<String, Long> counts = new LinkedHashMap<>();
                for (JsonNode r : drifting.get("replicas")) {
                    counts.put(r.get("node").stringValue(), r.get("vector_count").longValue());
                }
                assertTrue(counts.get("node-1") < counts.get("node-2"), counts::toString);

                // 3. Repair the collection.
                String printed = RunbookSteps.repair(steps.get(3).strip(), env);
                assertTrue(printed.contains("docs cluster " + shard + " [node-1, node-2]: ")
                        && printed.contains("records sent, now in sync"), printed);
                assertTrue(printed.endsWith("repair: every cluster is in sync\n"), printed);

                // 4. Every shard in agreement, every row on both replicas.
                assertEquals("      4 in_agreement\n", RunbookSteps.bash(steps.get(4), env));
                long total = 0;
                for (JsonNode s : shards(rest).get("shards")) {
                    JsonNode replicas = s.get("replicas");
                    assertEquals(replicas.get(0).get("vector_count"), replicas.get(1).get("vector_count"), s::toString);
                    total += replicas.get(0).get("vector_count").longValue();
                }
                assertEquals(ROWS, total);

                // 5. Remove the quarantined file.
                assertEquals("removed '" + quarantined + "'\n", RunbookSteps.bash(steps.get(5), env));
                assertFalse(Files.exists(quarantined));
                assertTrue(scrape(restarted).contains(metric + "0.0\n"), "the alert clears");
            }
        }
    }

    /**
     * The cluster's coordinator config with repair batches of 20 rows ({@code grpc.max_batch_rows}),
     * which fit the nodes' 2 KiB WAL records (at the defaults, 10,000 rows of this collection fit a 16 MiB record).
     */
    private Path repairConfig() throws IOException {
        String yaml = Files.readString(dir.resolve("coordinator.yaml"));
        String grpc = "grpc:\n  listen: 127.0.0.1:0\n";
        assertTrue(yaml.contains(grpc), yaml);
        return Files.writeString(dir.resolve("repair-coordinator.yaml"), yaml.replace(grpc,
                grpc + "  max_batch_rows: 20\n"));
    }

    /** The restarted node is reconnected to lazily: wait until the status call reaches it. */
    private static void awaitAnswerFromEveryReplica(int rest) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            boolean all = true;
            for (JsonNode s : shards(rest).get("shards")) {
                all &= !s.get("agreement").stringValue().equals("unknown");
            }
            if (all) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("a replica never answered: " + shards(rest));
    }
}
