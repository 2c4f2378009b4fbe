package org.vxdb.coordinator.config;

import static org.vxdb.coordinator.config.CoordinatorConfig.*;

import java.nio.file.Path;
import java.time.Duration;
import org.vxdb.coordinator.security.SecuritySettings;
import org.vxdb.service.audit.AuditSettings;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.GrpcSettings;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ServerSettings;
import org.vxdb.service.config.TlsSettings;
import org.vxdb.service.tracing.TracingSettings;
import tools.jackson.databind.JsonNode;

/**
 * Turns a config tree into a {@link CoordinatorConfig}, checking every field once: its type, its
 * range, and the rules between fields. Sections are read in the order of the documented schema, so
 * the first error reported is the first one in that order. The sections every server has are read
 * by {@link ServerSettings} and {@link GrpcSettings}, as the storage node reads them.
 */
final class CoordinatorConfigReader {

    private final Path baseDir;

    /** @param baseDir what a relative topology file and TLS files resolve against */
    CoordinatorConfigReader(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    CoordinatorConfig read(JsonNode tree) {
        ConfigSection root = ConfigSection.root(tree, "coordinator_id", "grpc", "http", "tls", "topology", "nodes",
                "write", "repair", "rest", "resp", "connections", "security", "audit", "shutdown", "logging",
                "tracing");
        String coordinatorId = root.value("coordinator_id").identifier();
        GrpcSettings grpc = GrpcSettings.read(root);
        HostAndPort http = ServerSettings.readHttpListen(root);
        TlsSettings tls = TlsSettings.read(root, baseDir, true);
        ConfigSection topology = root.section("topology", "file", "reload_interval");
        Path topologyFile = topology.value("file").required().resolvedPath(baseDir, "file");
        Duration reloadInterval = topology.value("reload_interval").duration(TOPOLOGY_RELOAD_INTERVAL_DEFAULT,
                Duration.ZERO, TOPOLOGY_RELOAD_INTERVAL_MAX);
        NodeCallSettings nodes = nodes(root.section("nodes", "call_timeout", "write_attempts", "retry_backoff",
                "retry_max_backoff", "breaker_failure_rate", "breaker_window", "breaker_minimum_calls",
                "breaker_open_for"));
        ConfigSection write = root.section("write", "consistency", "replica_window", "hints_dir",
                "hint_replay_interval");
        Consistency consistency = write.value("consistency").oneOf(WRITE_CONSISTENCY_DEFAULT, Consistency.class);
        int replicaWindow = (int) write.value("replica_window").integer(WRITE_REPLICA_WINDOW_DEFAULT, 1,
                WRITE_REPLICA_WINDOW_MAX);
        Path hintsDir = write.value("hints_dir").isAbsent() ? baseDir.resolve(WRITE_HINTS_DIR_DEFAULT)
                : write.value("hints_dir").resolvedPath(baseDir, "directory");
        Duration hintReplay = write.value("hint_replay_interval").positiveDuration(WRITE_HINT_REPLAY_INTERVAL_DEFAULT,
                WRITE_HINT_REPLAY_INTERVAL_MAX);
        ConfigSection repairSection = root.section("repair", "interval", "buckets", "rows_per_second");
        RepairSettings repair = new RepairSettings(
                repairSection.value("interval").duration(REPAIR_INTERVAL_DEFAULT, Duration.ZERO, REPAIR_INTERVAL_MAX),
                (int) repairSection.value("buckets").integer(REPAIR_BUCKETS_DEFAULT, 1, REPAIR_BUCKETS_MAX),
                (int) repairSection.value("rows_per_second").integer(REPAIR_ROWS_PER_SECOND_DEFAULT, 1,
                        REPAIR_ROWS_PER_SECOND_MAX));
        ProtocolSettings protocols = ProtocolSettings.read(root);
        SecuritySettings security = SecuritySettings.read(root, baseDir);
        AuditSettings audit = AuditSettings.read(root, baseDir);
        ServerSettings server = new ServerSettings(grpc, http, ServerSettings.readShutdownGrace(root),
                ServerSettings.readLogLevel(root), tls, TracingSettings.read(root, TRACING_SERVICE_NAME_DEFAULT));
        return new CoordinatorConfig(coordinatorId, server, topologyFile, reloadInterval, nodes,
                new WriteSettings(consistency, replicaWindow, hintsDir.normalize(), hintReplay), repair, protocols,
                security, audit);
    }

    private static NodeCallSettings nodes(ConfigSection nodes) {
        Duration callTimeout = nodes.value("call_timeout").positiveDuration(NODES_CALL_TIMEOUT_DEFAULT,
                NODES_CALL_TIMEOUT_MAX);
        int writeAttempts = (int) nodes.value("write_attempts").integer(NODES_WRITE_ATTEMPTS_DEFAULT, 1,
                NODES_WRITE_ATTEMPTS_MAX);
        Duration backoff = nodes.value("retry_backoff").positiveDuration(NODES_RETRY_BACKOFF_DEFAULT,
                NODES_RETRY_BACKOFF_MAX);
        Duration maxBackoff = maxBackoff(nodes.value("retry_max_backoff"), backoff);
        int failureRate = (int) nodes.value("breaker_failure_rate").integer(NODES_BREAKER_FAILURE_RATE_DEFAULT, 1,
                100);
        int window = (int) nodes.value("breaker_window").integer(NODES_BREAKER_WINDOW_DEFAULT,
                NODES_BREAKER_WINDOW_MIN, NODES_BREAKER_WINDOW_MAX);
        // A window smaller than the default minimum lowers it, rather than making every such window an error.
        int minimumCalls = (int) nodes.value("breaker_minimum_calls").integer(
                Math.min(NODES_BREAKER_MINIMUM_CALLS_DEFAULT, window), 1, window, "nodes.breaker_window");
        Duration openFor = nodes.value("breaker_open_for").positiveDuration(NODES_BREAKER_OPEN_FOR_DEFAULT,
                NODES_BREAKER_OPEN_FOR_MAX);
        return new NodeCallSettings(callTimeout, writeAttempts, backoff, maxBackoff, failureRate, window,
                minimumCalls, openFor);
    }

    /** At least the first backoff, which it caps; by default the larger of the two. */
    private static Duration maxBackoff(ConfigValue value, Duration backoff) {
        Duration defaultValue = NODES_RETRY_MAX_BACKOFF_DEFAULT.compareTo(backoff) < 0
                ? backoff
                : NODES_RETRY_MAX_BACKOFF_DEFAULT;
        Duration maxBackoff = value.positiveDuration(defaultValue, NODES_RETRY_MAX_BACKOFF_MAX);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw value.invalid(DurationText.format(maxBackoff) + " is invalid: use at least nodes.retry_backoff ("
                    + DurationText.format(backoff) + ")");
        }
        return maxBackoff;
    }
}
