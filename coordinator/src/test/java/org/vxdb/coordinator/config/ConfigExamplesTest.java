package org.vxdb.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.node.StorageNode;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.ConfigTesting;
import org.vxdb.service.tls.DevCerts;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * The deployments of {@code ops/config/examples/} (docs/operations.md): each loads through the
 * real config classes, its topology names exactly its node files at their gRPC ports, and every
 * node holds the share of cluster replicas its comments promise. The single-node one is also
 * started (its ports moved to free ones, its data in a temporary directory) and answers a search.
 */
class ConfigExamplesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CERTS = "/etc/vxdb/certs";

    @TempDir
    Path tmp;

    private static Path example(String name) {
        return ConfigTesting.repoFile("ops/config/examples/" + name);
    }

    private static List<Path> nodeFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("node-\\d+\\.yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "single-node, 1, 1, 1, 1, one",
        "3-nodes-rf2, 3, 2, 12, 8, one",
        "6-nodes-rf3, 6, 3, 24, 12, quorum"})
    void shouldLoadEveryFileOfTheExampleThroughTheConfigClasses(String name, int nodes, int rf, int clusters,
                                                                 int replicasPerNode, String consistency)
            throws IOException {
        Path dir = copy(example(name), tmp.resolve(name));
        if (Files.readString(dir.resolve("coordinator.yaml")).contains(CERTS)) {
            // The example's certificate paths, made real: TLS files are read when a config loads.
            List<String> names = new ArrayList<>(List.of("coordinator"));
            for (int i = 1; i <= nodes; i++) {
                names.add("node-" + i);
            }
            Path certs = DevCerts.make(tmp.resolve("certs"), names.toArray(String[]::new)).ca().getParent();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> !f.endsWith("topology.yaml")).toList()) {
                    replace(f, CERTS, certs.toString());
                }
            }
        }
        CoordinatorConfig coordinator = CoordinatorConfig.load(dir.resolve("coordinator.yaml"));
        Topology topology = Topology.load(coordinator.topologyFile());
        assertEquals(dir.resolve("topology.yaml"), coordinator.topologyFile());
        assertEquals(rf, topology.replicationFactor());
        assertEquals(clusters, topology.totalClusters());
        assertEquals(Consistency.valueOf(consistency.toUpperCase(java.util.Locale.ROOT)), coordinator.consistency());

        Map<String, Integer> portById = new TreeMap<>();
        for (Path f : nodeFiles(dir)) {
            NodeConfig node = NodeConfig.load(f);
            assertEquals(FsyncPolicy.BATCH, node.collectionDefaults().fsyncPolicy(), f::toString);
            assertEquals(null, portById.put(node.nodeId(), node.grpcListen().port()), f::toString);
        }
        assertEquals(nodes, portById.size());
        Map<String, Integer> topologyPorts = new TreeMap<>();
        for (NodeInfo n : topology.nodes()) {
            topologyPorts.put(n.id(), n.address().port());
        }
        assertEquals(portById, topologyPorts, "the topology names every node file at its gRPC port");
        for (NodeInfo n : topology.nodes()) {
            assertEquals(replicasPerNode, topology.clustersOf(n.id()).length, n::id);
        }
    }

    @Test
    void shouldNameTheSameSettingsInEveryNodeFileOfAnExampleButTheNodeId() throws IOException {
        for (String name : List.of("3-nodes-rf2", "6-nodes-rf3")) {
            List<Path> files = nodeFiles(example(name));
            String first = Files.readString(files.getFirst());
            for (int i = 1; i < files.size(); i++) {
                String expected = first.replace("node-1", "node-" + (i + 1)).replace("node 1 of", "node " + (i + 1)
                        + " of");
                assertEquals(expected, Files.readString(files.get(i)), files.get(i)::toString);
            }
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private static void replace(Path file, String... pairs) throws IOException {
        String text = Files.readString(file);
        for (int i = 0; i < pairs.length; i += 2) {
            String old = pairs[i];
            assertTrue(text.contains(old), () -> file + " has no " + old);
            text = text.replace(old, pairs[i + 1]);
        }
        Files.writeString(file, text);
    }

    private static String send(String method, int port, String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, () -> path + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    @Test
    void shouldStartTheSingleNodeExampleAndAnswerASearch() throws Exception {
        // The same depth below a root as in the repository, so that its relative data paths land in tmp/data.
        Path dir = copy(example("single-node"), tmp.resolve("ops/config/examples/single-node"));
        replace(dir.resolve("node-1.yaml"), "127.0.0.1:7101", "127.0.0.1:0", "127.0.0.1:7181", "127.0.0.1:0");
        replace(dir.resolve("coordinator.yaml"), "127.0.0.1:7100", "127.0.0.1:0", "127.0.0.1:7180", "127.0.0.1:0",
                "127.0.0.1:7110", "127.0.0.1:0", "127.0.0.1:7111", "127.0.0.1:0");
        NodeConfig nodeConfig = NodeConfig.load(dir.resolve("node-1.yaml"));
        assertEquals(List.of(tmp.resolve("data/single-node/node-1")), nodeConfig.dataDirs());
        List<AutoCloseable> started = new ArrayList<>();
        try {
            StorageNode node = StorageNode.start(nodeConfig);
            started.add(node);
            replace(dir.resolve("topology.yaml"), "127.0.0.1:7101", "127.0.0.1:" + node.grpcAddress().getPort());
            Coordinator coordinator = Coordinator.start(CoordinatorConfig.load(dir.resolve("coordinator.yaml")));
            started.addFirst(coordinator);
            int rest = coordinator.restAddress().getPort();
            send("POST", rest, "/v1/collections", "{\"name\":\"docs\",\"dimension\":3,\"metric\":\"l2\"}");
            send("PUT", rest, "/v1/collections/docs/vectors",
                    "{\"vectors\":[{\"id\":1,\"values\":[1,0,0]},{\"id\":2,\"values\":[0,1,0]}]}");
            String hits = send("POST", rest, "/v1/collections/docs/search", "{\"vector\":[0,1,0],\"k\":1}");
            assertTrue(hits.startsWith("{\"hits\":[{\"id\":\"2\",\"distance\":0.0,"), hits);
            assertTrue(Files.isDirectory(tmp.resolve("data/single-node/hints")), "hints under tmp/data");
        } finally {
            for (AutoCloseable c : started) {
                c.close();
            }
        }
    }

    @Test
    void shouldKeepTheExamplesDirectoriesAsListed() throws IOException {
        try (Stream<Path> dirs = Files.list(ConfigTesting.repoFile("ops/config/examples"))) {
            assertEquals(List.of("3-nodes-rf2", "6-nodes-rf3", "README.md", "single-node"),
                    dirs.map(d -> d.getFileName().toString()).sorted().toList());
        }
        assertEquals(List.of("coordinator.yaml", "node-1.yaml", "topology.yaml"),
                Arrays.stream(example("single-node").toFile().list()).sorted().toList());
    }
}
