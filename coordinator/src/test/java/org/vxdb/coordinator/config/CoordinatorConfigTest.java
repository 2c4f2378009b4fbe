package org.vxdb.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.service.config.ConfigTesting.assertConfigError;
import static org.vxdb.service.config.ConfigTesting.assertServerDefaults;
import static org.vxdb.service.config.ConfigTesting.repoFile;
import static org.vxdb.service.config.ConfigTesting.write;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.GrpcSettings;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ServerSettings;
import org.vxdb.service.tracing.TracingSettings;

class CoordinatorConfigTest {

    private static final Path BASE = Path.of("/etc/vxdb");
    private static final String REQUIRED = """
            coordinator_id: c1
            topology:
              file: topology.yaml
            """;

    @TempDir
    Path tmp;

    // ---- defaults

    @Test
    void shouldFillEveryOptionalFieldWithItsDefault() {
        CoordinatorConfig config = parse(REQUIRED);
        assertEquals("c1", config.coordinatorId());
        assertServerDefaults(config);
        assertEquals(Path.of("/etc/vxdb/topology.yaml"), config.topologyFile());
        assertEquals(Duration.ofSeconds(5), config.topologyReloadInterval());
        assertEquals(Duration.ofSeconds(10), config.callTimeout());
        assertEquals(3, config.writeAttempts());
        assertEquals(Duration.ofMillis(50), config.retryBackoff());
        assertEquals(Duration.ofSeconds(2), config.retryMaxBackoff());
        assertEquals(50f, config.breakerFailureRate());
        assertEquals(20, config.breakerWindow());
        assertEquals(5, config.breakerMinimumCalls());
        assertEquals(Duration.ofSeconds(5), config.breakerOpenFor());
        assertEquals(Consistency.QUORUM, config.consistency());
        assertEquals(32, config.write().replicaWindow());
        assertEquals(Path.of("/etc/vxdb/hints"), config.write().hintsDir(), "beside the config file");
        assertEquals(Duration.ofSeconds(1), config.write().hintReplayInterval());
        assertEquals(Duration.ofMinutes(1), config.repairInterval());
        assertEquals(64, config.repairBuckets());
        assertEquals(20_000, config.repair().rowsPerSecond());
    }

    @Test
    void shouldGiveDefaultsWithATopologyFile() {
        CoordinatorConfig config = CoordinatorConfig.defaults(tmp.resolve("topology.yaml"));
        assertEquals("coord-1", config.coordinatorId());
        assertEquals(tmp.resolve("topology.yaml"), config.topologyFile());
        assertEquals(CoordinatorConfig.parse(REQUIRED.replace("c1", "coord-1"), tmp), config);
        assertEquals(Path.of("").toAbsolutePath().resolve("t.yaml"), CoordinatorConfig.defaults(Path.of("t.yaml"))
                .topologyFile());
    }

    // ---- every field

    @Test
    void shouldReadEveryField() {
        CoordinatorConfig config = parse("""
                coordinator_id: coord_B-2
                grpc:
                  listen: 0.0.0.0:9100
                  max_message_bytes: 16MiB
                  max_concurrent_requests: 8
                  max_queued_requests: 0
                  max_batch_rows: 500
                  worker_threads: 3
                  default_deadline: 1500ms
                http:
                  listen: "[::1]:9180"
                topology:
                  file: /srv/topology.yaml
                  reload_interval: 0s
                nodes:
                  call_timeout: 2s
                  write_attempts: 1
                  retry_backoff: 10ms
                  retry_max_backoff: 10ms
                  breaker_failure_rate: 100
                  breaker_window: 2
                  breaker_minimum_calls: 2
                  breaker_open_for: 1m
                write:
                  consistency: All
                repair:
                  interval: 6h
                  buckets: 65536
                shutdown:
                  grace_period: 0s
                logging:
                  level: warn
                tracing:
                  endpoint: http://otel-collector:4317
                  sample_ratio: 0.1
                """);
        assertEquals("coord_B-2", config.coordinatorId());
        // The node's reader, tested field by field in NodeConfigTest.
        assertEquals(new ServerSettings(new GrpcSettings(new HostAndPort("0.0.0.0", 9100), 16 << 20, 8, 0, 500, 3,
                Duration.ofMillis(1500)), new HostAndPort("::1", 9180), Duration.ZERO, "WARN", null,
                new TracingSettings(URI.create("http://otel-collector:4317"), 0.1, "vxdb-coordinator")),
                config.server());
        assertEquals(3, config.grpcWorkerThreads());
        assertEquals(Path.of("/srv/topology.yaml"), config.topologyFile());
        assertEquals(Duration.ZERO, config.topologyReloadInterval());
        assertEquals(Duration.ofSeconds(2), config.callTimeout());
        assertEquals(1, config.writeAttempts());
        assertEquals(Duration.ofMillis(10), config.retryBackoff());
        assertEquals(Duration.ofMillis(10), config.retryMaxBackoff());
        assertEquals(100f, config.breakerFailureRate());
        assertEquals(2, config.breakerWindow());
        assertEquals(2, config.breakerMinimumCalls());
        assertEquals(Duration.ofMinutes(1), config.breakerOpenFor());
        assertEquals(Consistency.ALL, config.consistency());
        assertEquals(Duration.ofHours(6), config.repairInterval());
        assertEquals(65_536, config.repairBuckets());
    }

    @Test
    void shouldReadAnEmptySectionAsAllDefaults() {
        assertEquals(parse(REQUIRED), parse(REQUIRED + "grpc:\nnodes: {}\nwrite:\n  consistency:\nrepair:\n"));
    }

    @Test
    void shouldLowerDefaultsThatAnotherFieldBounds() {
        CoordinatorConfig config = parse(REQUIRED + "nodes:\n  breaker_window: 3\n  retry_backoff: 30s\n");
        assertEquals(3, config.breakerMinimumCalls());
        assertEquals(Duration.ofSeconds(30), config.retryMaxBackoff());
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            ONE,    1, 1
            ONE,    3, 1
            QUORUM, 1, 1
            QUORUM, 2, 2
            QUORUM, 3, 2
            QUORUM, 4, 3
            QUORUM, 5, 3
            ALL,    1, 1
            ALL,    3, 3
            """)
    void shouldRequireOneAMajorityOrAllReplicas(Consistency consistency, int replicationFactor, int required) {
        assertEquals(required, consistency.required(replicationFactor));
    }

    @Test
    void shouldRejectAReplicationFactorBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> Consistency.ONE.required(0));
    }

    // ---- paths

    @Test
    void shouldResolveARelativeTopologyFileAgainstTheBaseDir() {
        assertEquals(Path.of("/etc/topo/t.yaml"),
                parse(REQUIRED.replace("topology.yaml", "../topo/./t.yaml")).topologyFile());
    }

    @Test
    void shouldResolveARelativeTopologyFileAgainstTheConfigFilesDirectoryWhenLoaded() throws IOException {
        Path file = write(tmp.resolve("conf/coordinator.yaml"), REQUIRED.replace("topology.yaml", "../topology.yaml"));
        assertEquals(tmp.resolve("topology.yaml"), CoordinatorConfig.load(file).topologyFile());
    }

    // ---- shipped files

    @Test
    void shouldLoadTheExampleWithEveryFieldAtItsDefault() {
        Path example = repoFile("ops/config/coordinator.example.yaml");
        CoordinatorConfig config = CoordinatorConfig.load(example);
        CoordinatorConfig defaults = CoordinatorConfig.defaults(example.getParent().resolve("local/topology.yaml"),
                example.getParent());
        assertEquals(defaults, config);
        assertEquals(defaults.toString(), config.toString());
    }

    @Test
    void shouldLoadTheLocalCoordinatorConfigAndItsTopology() {
        Path file = repoFile("ops/config/local/coordinator.yaml");
        CoordinatorConfig config = CoordinatorConfig.load(file);
        assertEquals("coord-1", config.coordinatorId());
        assertEquals(new HostAndPort("127.0.0.1", 7100), config.grpcListen());
        assertEquals(new HostAndPort("127.0.0.1", 7180), config.httpListen());
        assertEquals(file.getParent().resolve("topology.yaml"), config.topologyFile());
        Topology topology = Topology.load(config.topologyFile());
        assertEquals("12 clusters, RF 2, 3 nodes, 3 ranges", topology.summary());
        assertEquals(new HostAndPort("127.0.0.1", 7102), topology.node("node-2").orElseThrow().address());
    }

    // ---- test helpers

    @Test
    void shouldReplaceListenAddressesForTests() {
        CoordinatorConfig config = parse(REQUIRED);
        CoordinatorConfig ephemeral = config.withGrpcListen(new HostAndPort("127.0.0.1", 0))
                .withHttpListen(new HostAndPort("localhost", 0));
        assertEquals(new HostAndPort("127.0.0.1", 0), ephemeral.grpcListen());
        assertEquals(new HostAndPort("localhost", 0), ephemeral.httpListen());
        assertEquals(config.topologyFile(), ephemeral.topologyFile());
        assertEquals(config.consistency(), ephemeral.consistency());
        assertNotEquals(config, ephemeral);
        assertConfigError("http.listen: 127.0.0.1:7100 is invalid: grpc.listen 127.0.0.1:7100 uses the same port",
                () -> config.withHttpListen(config.grpcListen()));
    }

    // ---- errors

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                invalid("topology:\n  file: t.yaml\n", "coordinator_id: required"),
                invalid("coordinator_id: c 1\n", "coordinator_id: 'c 1' is invalid: use 1-64 letters, digits, '_' or '-'"),
                invalid("coordinator_id: c1\n", "topology.file: required"),
                invalid("coordinator_id: c1\ntopology:\n  file: \"\"\n", "topology.file: '' is invalid: use a file path"),
                invalid("coordinator_id: c1\ntopology:\n  file: ~/t.yaml\n", "topology.file: '~/t.yaml' is invalid:"
                        + " '~' is not expanded; use an absolute path or one relative to the config file"),
                invalid("coordinator_id: c1\ntopology:\n  file: [a, b]\n", "topology.file: expected a string, got a list"),
                invalid(REQUIRED + "  reload_interval: 2h\n", "topology.reload_interval: 2h is invalid: use 0s-1h"),
                invalid(REQUIRED + "  reload: 5s\n", "topology.reload: unknown field (use file, reload_interval)"),
                invalid(REQUIRED + "grpc:\n  max_batch_rows: 0\n", "grpc.max_batch_rows: 0 is invalid: use 1-100000"),
                invalid(REQUIRED + "grpc:\n  listen: localhost\n", "grpc.listen: 'localhost' is invalid: use host:port"),
                invalid(REQUIRED + "grpc:\n  listen: 127.0.0.1:7180\n",
                        "http.listen: 127.0.0.1:7180 is invalid: grpc.listen 127.0.0.1:7180 uses the same port"),
                invalid(REQUIRED + "nodes:\n  call_timeout: 0s\n",
                        "nodes.call_timeout: 0s is invalid: use a positive duration up to 1h"),
                invalid(REQUIRED + "nodes:\n  write_attempts: 0\n", "nodes.write_attempts: 0 is invalid: use 1-10"),
                invalid(REQUIRED + "nodes:\n  write_attempts: 11\n", "nodes.write_attempts: 11 is invalid: use 1-10"),
                invalid(REQUIRED + "nodes:\n  retry_backoff: 2m\n",
                        "nodes.retry_backoff: 2m is invalid: use a positive duration up to 1m"),
                invalid(REQUIRED + "nodes:\n  retry_max_backoff: 10ms\n",
                        "nodes.retry_max_backoff: 10ms is invalid: use at least nodes.retry_backoff (50ms)"),
                invalid(REQUIRED + "nodes:\n  retry_max_backoff: 1h\n",
                        "nodes.retry_max_backoff: 1h is invalid: use a positive duration up to 10m"),
                invalid(REQUIRED + "nodes:\n  breaker_failure_rate: 0\n",
                        "nodes.breaker_failure_rate: 0 is invalid: use 1-100"),
                invalid(REQUIRED + "nodes:\n  breaker_failure_rate: 50.5\n",
                        "nodes.breaker_failure_rate: expected an integer, got a decimal number"),
                invalid(REQUIRED + "nodes:\n  breaker_window: 1\n", "nodes.breaker_window: 1 is invalid: use 2-1000"),
                invalid(REQUIRED + "nodes:\n  breaker_minimum_calls: 21\n",
                        "nodes.breaker_minimum_calls: 21 is invalid: use 1-20 (nodes.breaker_window)"),
                invalid(REQUIRED + "nodes:\n  breaker_minimum_calls: 0\n",
                        "nodes.breaker_minimum_calls: 0 is invalid: use 1-20 (nodes.breaker_window)"),
                invalid(REQUIRED + "nodes:\n  breaker_open_for: 5\n",
                        "nodes.breaker_open_for: 5 is invalid: give a unit, e.g. 5s"),
                invalid(REQUIRED + "nodes:\n  timeout: 5s\n",
                        "nodes.timeout: unknown field (use call_timeout, write_attempts, retry_backoff,"
                                + " retry_max_backoff, breaker_failure_rate, breaker_window, breaker_minimum_calls,"
                                + " breaker_open_for)"),
                invalid(REQUIRED + "write:\n  consistency: most\n",
                        "write.consistency: 'most' is invalid: use one, quorum or all"),
                invalid(REQUIRED + "write:\n  consistency: 2\n", "write.consistency: expected a string, got an integer"),
                invalid(REQUIRED + "repair:\n  interval: 8d\n", "repair.interval: '8d' is invalid: "
                        + DurationText.EXPECTED),
                invalid(REQUIRED + "repair:\n  interval: 169h\n", "repair.interval: 169h is invalid: use 0s-168h"),
                invalid(REQUIRED + "repair:\n  buckets: 0\n", "repair.buckets: 0 is invalid: use 1-65536"),
                invalid(REQUIRED + "shutdown:\n  grace_period: 2h\n", "shutdown.grace_period: 2h is invalid: use 0s-1h"),
                invalid(REQUIRED + "logging:\n  level: verbose\n",
                        "logging.level: 'verbose' is invalid: use trace, debug, info, warn or error"),
                invalid(REQUIRED + "node_id: n1\n", "node_id: unknown field (use coordinator_id, grpc, http, tls,"
                        + " topology, nodes, write, repair, rest, resp, connections, security, audit, shutdown,"
                        + " logging, tracing)"),
                invalid(REQUIRED + "tracing:\n  endpoint: collector:4317\n", "tracing.endpoint: 'collector:4317'"
                        + " is invalid: use http:// or https:// with a host and a port, e.g."
                        + " http://otel-collector:4317"),
                invalid(REQUIRED + "repiar:\n  buckets: 1\n", "repiar: unknown field (did you mean repair?)"),
                invalid(REQUIRED + "security:\n  enabled: true\n",
                        "security.keys_file: required when security.enabled is true (or configure security.jwt)"),
                invalid(REQUIRED + "security:\n  enabled: yes please\n",
                        "security.enabled: expected true or false, got a string"),
                invalid(REQUIRED + "security:\n  failed_auth_limit: 0\n",
                        "security.failed_auth_limit: 0 is invalid: use 1-1000000"),
                invalid(REQUIRED + "security:\n  jwt:\n    issuer: x\n", "security.jwt.jwks_file: required"),
                invalid(REQUIRED + "security:\n  api_keys: k.json\n", "security.api_keys: unknown field (use enabled,"
                        + " keys_file, reload_interval, failed_auth_limit, failed_auth_window, jwt)"));
    }

    private static Arguments invalid(String yaml, String message) {
        return Arguments.of(yaml, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidConfigs")
    void shouldRejectInvalidConfigNamingTheFieldAndTheReason(String yaml, String message) {
        assertConfigError(message, () -> parse(yaml));
    }

    @Test
    void shouldPrefixErrorsWithTheFileWhenLoaded() throws IOException {
        Path file = write(tmp.resolve("coordinator.yaml"), REQUIRED + "nodes:\n  write_attempts: 0\n");
        assertConfigError(file + ": nodes.write_attempts: 0 is invalid: use 1-10", () -> CoordinatorConfig.load(file));
        Path missing = tmp.resolve("missing.yaml");
        assertConfigError(missing + ": no such file", () -> CoordinatorConfig.load(missing));
    }

    // ---- helpers

    private static CoordinatorConfig parse(String yaml) {
        return CoordinatorConfig.parse(yaml, BASE);
    }
}
