package org.vxdb.coordinator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.node.StorageNode;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.ConfigTesting;
import org.vxdb.service.tls.DevCerts;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The alert rules of {@code ops/prometheus/}: promtool accepts them and the Prometheus config that
 * loads them, their unit tests ({@code ops/prometheus/tests/*.yml}, each alert firing and staying
 * silent) pass, and every VxDB metric a rule reads is exported by a real node or coordinator.
 * A missing promtool (Debian package {@code prometheus}) fails the test.
 */
class AlertRulesTest {

    private static final Pattern METRIC = Pattern.compile("\\bvxdb_[a-z0-9_]+");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static Path prometheusDir() {
        return ConfigTesting.repoFile("ops/prometheus/vxdb-alerts.yml").getParent();
    }

    private static String promtool(Path workDir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool not found: install the Debian package prometheus"
                    + " (ops/install-deps.sh --test)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "promtool did not finish");
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void shouldPassPromtoolCheckOfTheRulesAndThePrometheusConfig() throws Exception {
        String rules = promtool(prometheusDir(), List.of("check", "rules", "vxdb-alerts.yml"));
        assertTrue(rules.contains("SUCCESS: 14 rules found"), rules);
        String config = promtool(prometheusDir(), List.of("check", "config", "prometheus.yml"));
        assertTrue(config.contains("SUCCESS: 1 rule files found"), config);
    }

    @Test
    void shouldPassEveryAlertUnitTest() throws Exception {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        try (Stream<Path> files = Files.list(prometheusDir().resolve("tests"))) {
            files.filter(f -> f.toString().endsWith(".yml")).sorted()
                    .forEach(f -> args.add("tests/" + f.getFileName()));
        }
        assertEquals(6, args.size(), () -> "expected four unit test files: " + args);
        String out = promtool(prometheusDir(), args);
        assertEquals(4, out.lines().filter(l -> l.strip().equals("SUCCESS")).count(), out);
    }

    /** Every vxdb_* name in the rules' expressions, with a histogram's _bucket suffix kept (it is the series read). */
    static Set<String> metricsInRules(Path rulesFile) throws IOException {
        JsonNode root = YAMLMapper.builder().build().readTree(Files.readString(rulesFile));
        Set<String> names = new TreeSet<>();
        for (JsonNode group : root.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                Matcher m = METRIC.matcher(rule.get("expr").asString());
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    private static String scrape(InetSocketAddress http) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String post(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, () -> path + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private static boolean exports(String exposition, String series) {
        return exposition.lines().anyMatch(l -> l.startsWith(series + "{") || l.startsWith(series + " "));
    }

    @Test
    void shouldReadOnlyMetricsThatARealNodeOrCoordinatorExports() throws Exception {
        Set<String> wanted = metricsInRules(prometheusDir().resolve("vxdb-alerts.yml"));
        assertTrue(wanted.containsAll(List.of("vxdb_data_dir_usable_bytes", "vxdb_antientropy_differing_shards",
                "vxdb_quarantined_segment_files", "vxdb_tls_certificate_expiry_timestamp_seconds")), wanted::toString);
        try (InProcessCluster cluster = InProcessCluster.start(dir)) {
            int rest = cluster.restPort();
            post(rest, "/v1/collections", "{\"name\":\"alerts\",\"dimension\":2,\"metric\":\"l2\"}");
            post(rest, "/v1/collections/alerts/vectors", "{\"vectors\":[{\"id\":1,\"values\":[1,0]}]}");
            post(rest, "/v1/collections/alerts/search", "{\"vector\":[1,0],\"k\":1}");
            VectorServiceGrpc.newBlockingStub(cluster.channel()).search(SearchRequest.newBuilder()
                    .setCollection("alerts").addQuery(1).addQuery(0).setK(1).build());

            StringBuilder all = new StringBuilder(scrape(cluster.coordinator().httpAddress()));
            for (StorageNode node : cluster.nodes()) {
                all.append(scrape(node.httpAddress()));
            }
            // The TLS metrics exist on a server with TLS: a node with the development certificates.
            DevCerts certs = DevCerts.make(dir.resolve("certs"), "node-tls");
            try (StorageNode secured = StorageNode.start(NodeConfig.parse("""
                    node_id: node-tls
                    grpc:
                      listen: 127.0.0.1:0
                    http:
                      listen: 127.0.0.1:0
                    storage:
                      data_dirs: [data]
                    """ + certs.yaml("node-tls"), Files.createDirectories(dir.resolve("node-tls"))))) {
                all.append(scrape(secured.httpAddress()));
            }
            String exposition = all.toString();
            List<String> missing = wanted.stream().filter(name -> !exports(exposition, name)).toList();
            if (!missing.isEmpty()) {
                fail("the alert rules read metrics no node or coordinator exports: " + missing);
            }
        }
    }
}
