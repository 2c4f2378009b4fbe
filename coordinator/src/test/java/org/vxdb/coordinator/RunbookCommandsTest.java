package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * The commands of the runbooks that look at a cluster (curl, jq, grep, find, du, uptime, top) and
 * their {@code ./vxdb repair} lines work against a real cluster (two nodes, a coordinator, a
 * collection {@code docs} of dimension 3 with rows and a search behind it) and print what the
 * runbooks describe. Commands that change or stop things (starting a node, deleting, renewing
 * certificates, iostat, which Debian installs apart) are left out; corrupt-segment.md is run whole by
 * {@link CorruptSegmentRunbookTest}. Needs curl and jq.
 */
class RunbookCommandsTest {

    private static final Pattern CHANGES_THINGS = Pattern.compile(
            "\\./vxdb node|rm |-X DELETE|for c in|dev-certs|iostat|openssl|\\$VXDB_CERTS|mv ");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static void send(String method, int port, String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, () -> path + ": " + r.statusCode() + " " + r.body());
    }

    @Test
    void shouldRunEveryLookingCommandOfTheRunbooksAgainstARealCluster() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir)) {
            int rest = cluster.restPort();
            send("POST", rest, "/v1/collections", "{\"name\":\"docs\",\"dimension\":3,\"metric\":\"l2\"}");
            send("PUT", rest, "/v1/collections/docs/vectors",
                    "{\"vectors\":[{\"id\":1,\"values\":[1,0,0]},{\"id\":2,\"values\":[0,1,0]}]}");
            send("POST", rest, "/v1/collections/docs/search", "{\"vector\":[1,0,0],\"k\":1}");
            Map<String, String> env = Map.of(
                    "VXDB_REST", "http://127.0.0.1:" + rest,
                    "VXDB_COORD_HTTP", "http://127.0.0.1:" + cluster.coordinator().httpAddress().getPort(),
                    "VXDB_NODE_HTTP", "http://127.0.0.1:" + cluster.nodes().get(1).httpAddress().getPort(),
                    "VXDB_NODE_DATA", dir.resolve("node-2/data").toString(),
                    "VXDB_COORD_CONFIG", dir.resolve("coordinator.yaml").toString());

            StringBuilder printed = new StringBuilder();
            List<String> ran = new ArrayList<>();
            for (String runbook : List.of("node-lost.md", "disk-full.md", "replica-drift.md", "slow-searches.md")) {
                for (String block : RunbookSteps.blocks(runbook)) {
                    if (CHANGES_THINGS.matcher(block).find()) {
                        continue;
                    }
                    String out = block.startsWith("./vxdb repair ") ? RunbookSteps.repair(block.strip(), env)
                            : RunbookSteps.bash(block, env);
                    printed.append(out);
                    ran.add(runbook + ": " + block.lines().findFirst().orElseThrow());
                }
            }
            assertEquals(16, ran.size(), () -> String.join("\n", ran));
            String all = printed.toString();
            for (String expected : List.of(
                    "{\"id\":\"node-2\",\"address\":\"127.0.0.1:",       // node-lost 1: the cluster's nodes
                    "\"state\":\"ready\",\"reason\":\"\",\"breaker\":\"closed\"}",
                    "ok\n 200\n", "ready\n 200\n",                        // node-lost 2: /healthz, /readyz
                    "vxdb_coordinator_breaker_state{node=\"node-2\"} 0.0", // node-lost 4
                    "repair: every cluster is in sync\n",
                    "vxdb_data_dir_usable_bytes{dir=\"",                  // disk-full 1
                    "\"used_bytes\":",
                    "vxdb_antientropy_differing_shards 0.0",             // replica-drift 1
                    "\"node_micros\":",                                   // slow-searches 1: explain
                    "vxdb_coordinator_node_call_duration_seconds_count{method=\"SearchShards\",node=\"node-",
                    "\"index_state\":\"none\"",                           // slow-searches 2
                    "vxdb_native_memory_limit_bytes ",                    // slow-searches 3
                    "      4 in_agreement\n")) {                          // replica-drift 4
                assertTrue(all.contains(expected), () -> expected + " not in\n" + all);
            }
        }
    }
}
