package org.vxdb.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.testing.ProcessCluster;
import org.vxdb.node.NodeProcess;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against three
 * storage node processes (RF 2, the local cluster's 12-cluster layout) and a coordinator: the
 * cluster page shows the nodes and their ranges, a SIGKILLed node turns red and its restart turns
 * it green, the collections page shows a collection made through the API with the right counts,
 * the playground shows the hits in the order the API returns them, the live page follows traffic,
 * and the pages work from the keyboard and at a phone's width. Screenshots of each page are left
 * in target/dashboard-screenshots.
 */
class DashboardIT {

    private static final int DIM = 8;
    private static final int ROWS = 600;

    @TempDir
    Path dir;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Coordinator coordinator;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopCluster() {
        if (coordinator != null) {
            coordinator.close();
        }
        nodes.forEach(NodeProcess::close);
    }

    private void startCluster() throws Exception {
        ProcessCluster.startNodes(dir, "", nodes);
        coordinator = ProcessCluster.startCoordinator(dir, nodes, 2, ProcessCluster.RF2_RANGES, "coord-dashboard", """
                write:
                  consistency: all
                nodes:
                  call_timeout: 6s
                """);
    }

    private String base() {
        return "http://127.0.0.1:" + coordinator.restAddress().getPort();
    }

    private JsonNode rest(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, () -> method + " " + path + ": " + r.statusCode() + " " + r.body());
        return DashboardBrowser.JSON.readTree(r.body());
    }

    private void loadFilms() throws Exception {
        rest("POST", "/v1/collections", "{\"name\":\"films\",\"dimension\":" + DIM + ",\"metric\":\"l2\"}");
        Random random = new Random(7);
        StringBuilder vectors = new StringBuilder();
        for (int id = 1; id <= ROWS; id++) {
            vectors.append(id == 1 ? "" : ",").append("{\"id\":").append(id).append(",\"values\":[");
            for (int d = 0; d < DIM; d++) {
                vectors.append(d == 0 ? "" : ",").append(random.nextFloat());
            }
            vectors.append("],\"metadata\":{\"genre\":\"").append(id % 3 == 0 ? "drama" : "comedy").append("\"}}");
        }
        rest("PUT", "/v1/collections/films/vectors", "{\"vectors\":[" + vectors + "]}");
    }

    @Test
    void shouldShowTheClusterCollectionsLiveFiguresAndSearchesAndFollowANodeThatDiesAndReturns() throws Exception {
        startCluster();
        loadFilms();
        JsonNode film42 = rest("GET", "/v1/collections/films/vectors/42", null);
        JsonNode expected = rest("POST", "/v1/collections/films/search", "{\"vector\":" + film42.get("values")
                + ",\"k\":10}");

        AtomicBoolean searching = new AtomicBoolean(true);
        AtomicReference<Throwable> searchFailure = new AtomicReference<>();
        Thread traffic = Thread.ofPlatform().start(() -> {
            try {
                while (searching.get()) {
                    rest("POST", "/v1/collections/films/search", "{\"vector\":" + film42.get("values") + ",\"k\":5}");
                    Thread.sleep(20);
                }
            } catch (Exception | AssertionError e) {
                searchFailure.set(e);
            }
        });
        JsonNode seen;
        try {
            seen = DashboardBrowser.run(base(), """
                    [{"do":"cluster","screenshot":"cluster.png"},
                     {"do":"collections","collection":"films","screenshot":"collections.png"},
                     {"do":"playground","collection":"films","id":42,"k":10,"screenshot":"playground.png"},
                     {"do":"live","minSearchesPerSecond":1,"screenshot":"live.png"},
                     {"do":"keyboard"},
                     {"do":"phone","screenshots":true}]""");
        } finally {
            searching.set(false);
            traffic.join();
        }
        assertEquals(null, searchFailure.get());

        // Cluster: three ready nodes with closed breakers, and each range on its two replicas.
        JsonNode cluster = seen.get("cluster");
        for (int i = 0; i < 3; i++) {
            JsonNode n = cluster.get("nodes").get(i);
            assertEquals("node-" + (i + 1), n.get("node").stringValue());
            assertEquals("ready", n.get("state").stringValue());
            assertEquals("closed", n.get("breaker").stringValue());
        }
        assertEquals(DashboardBrowser.JSON.readTree("[\"Node\",\"clusters 0-3\",\"clusters 4-7\",\"clusters 8-11\"]"),
                cluster.get("headings"));
        Set<String> placement = new TreeSet<>();
        cluster.get("placement").forEach(c -> placement.add(c.get("node").stringValue() + " "
                + c.get("range").stringValue() + " " + c.get("role").stringValue()));
        assertEquals(new TreeSet<>(List.of("node-1 0-3 primary", "node-2 0-3 replica", "node-3 4-7 primary",
                "node-1 4-7 replica", "node-2 8-11 primary", "node-3 8-11 replica")), placement);

        // Collections: the list's count, and every shard on both replicas, in agreement.
        JsonNode collections = seen.get("collections");
        assertEquals("films", collections.get("list").get(0).get("name").stringValue());
        assertEquals(ROWS, DashboardBrowser.count(collections.get("list").get(0).get("vector_count")));
        assertEquals("Collection films", collections.get("heading").stringValue());
        JsonNode shards = collections.get("shards");
        assertEquals(24, shards.size(), "12 shards, 2 replicas each");
        long primaries = 0;
        for (int i = 0; i < shards.size(); i++) {
            JsonNode s = shards.get(i);
            assertEquals(i / 2, s.get("shard").intValue());
            assertEquals("in_agreement", s.get("agreement").stringValue());
            if (i % 2 == 0) {
                primaries += DashboardBrowser.count(s.get("vector_count"));
            } else {
                assertEquals(shards.get(i - 1).get("vector_count"), s.get("vector_count"));
            }
        }
        assertEquals(ROWS, primaries);

        // Playground: the vector of id 42 loaded, and the hits in the API's order, with each node's part.
        JsonNode playground = seen.get("playground");
        List<String> apiIds = new ArrayList<>();
        expected.get("hits").forEach(h -> apiIds.add(h.get("id").stringValue()));
        List<String> pageIds = new ArrayList<>();
        playground.get("ids").forEach(id -> pageIds.add(id.stringValue()));
        assertEquals(apiIds, pageIds);
        assertEquals("42", pageIds.getFirst());
        List<String> values = new ArrayList<>();
        film42.get("values").forEach(v -> values.add(Float.toString(v.floatValue())));
        List<String> shown = new ArrayList<>();
        for (String v : playground.get("vector").stringValue().split(", ")) {
            shown.add(Float.toString(Float.parseFloat(v)));
        }
        assertEquals(values, shown);
        Set<String> nodesAsked = new TreeSet<>();
        playground.get("nodes").forEach(n -> {
            nodesAsked.add(n.get("node").stringValue() + " " + n.get("ranges").stringValue());
            assertEquals("exact-scan", n.get("plan").stringValue());
            assertEquals("", n.get("error").stringValue());
        });
        assertEquals(new TreeSet<>(List.of("node-1 0-3", "node-3 4-7", "node-2 8-11")), nodesAsked);

        // Live: the charts are drawn and the search rate shows the traffic.
        JsonNode live = seen.get("live");
        assertEquals(3, live.get("charts").intValue());
        assertTrue(Double.parseDouble(live.get("tiles").get("searches_per_second").stringValue()) >= 1, live.toString());

        // Keyboard: the skip link, then the pages in order; Enter on a link opens its page.
        assertEquals(DashboardBrowser.JSON.readTree("[\"Skip to content\",\"Cluster\",\"Collections\","
                + "\"Live metrics\",\"Search playground\"]"), seen.get("keyboard").get("order"));
        assertEquals("Collections", seen.get("keyboard").get("focused_before_enter").stringValue());
        assertEquals("collections", seen.get("keyboard").get("current").stringValue());

        // Phone width: no view scrolls sideways as a whole (wide tables scroll inside their frame).
        seen.get("phone").get("overflow").properties().forEach(e ->
                assertFalse(e.getValue().booleanValue(), e.getKey() + " overflows at 390 px"));

        // A node killed with SIGKILL turns red; restarted on its data, it turns green again.
        NodeProcess victim = nodes.get(1);
        victim.kill();
        JsonNode down = DashboardBrowser.run(base(),
                "[{\"do\":\"waitNode\",\"node\":\"node-2\",\"state\":\"down\",\"screenshot\":\"cluster-node-down.png\"}]");
        assertTrue(down.get("waitNode").get("seen").booleanValue(), down.toString());
        NodeProcess restarted = NodeProcess.launch(victim.config, dir.resolve("node-2/restart.log"), victim.grpcPort,
                victim.httpPort);
        nodes.set(1, restarted);
        restarted.awaitReady();
        JsonNode up = DashboardBrowser.run(base(), "[{\"do\":\"waitNode\",\"node\":\"node-2\",\"state\":\"ready\"}]");
        assertTrue(up.get("waitNode").get("seen").booleanValue(), up.toString());
    }
}
