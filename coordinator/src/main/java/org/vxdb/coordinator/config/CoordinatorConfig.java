package org.vxdb.coordinator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.vxdb.coordinator.security.SecuritySettings;
import org.vxdb.service.audit.AuditSettings;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ServerConfig;
import org.vxdb.service.config.ServerSettings;
import org.vxdb.service.config.YamlDocument;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The coordinator's configuration, read from a YAML file (docs/configuration.md) and validated
 * completely when read: a coordinator with a bad config fails at start with the field and the
 * reason, e.g. {@code coordinator.yaml: nodes.write_attempts: 0 is invalid: use 1-10}. Immutable.
 *
 * <p>Each field's default and limits are the constants below, named after the field's YAML path.
 * The {@code grpc}, {@code http}, {@code shutdown} and {@code logging} sections are the storage
 * node's, with its defaults and limits: those are the constants of
 * {@link org.vxdb.service.config.GrpcSettings} and {@link ServerSettings}. The cluster itself is in
 * the topology file, {@link #topologyFile()}.
 */
public final class CoordinatorConfig implements ServerConfig {

    /** {@code coordinator_id}: required in a file; {@link #defaults} uses this one. */
    public static final String COORDINATOR_ID_DEFAULT = "coord-1";

    /** {@code topology.file} has no default. 0s turns hot reload off. */
    public static final Duration TOPOLOGY_RELOAD_INTERVAL_DEFAULT = Duration.ofSeconds(5);
    public static final Duration TOPOLOGY_RELOAD_INTERVAL_MAX = Duration.ofHours(1);

    /** Deadline of each call to a storage node. */
    public static final Duration NODES_CALL_TIMEOUT_DEFAULT = Duration.ofSeconds(10);
    public static final Duration NODES_CALL_TIMEOUT_MAX = Duration.ofHours(1);
    /** Tries of a write per replica, the first one included. */
    public static final int NODES_WRITE_ATTEMPTS_DEFAULT = 3;
    public static final int NODES_WRITE_ATTEMPTS_MAX = 10;
    /** Wait before the first retry; each further wait doubles, up to the max, with +-50% jitter. */
    public static final Duration NODES_RETRY_BACKOFF_DEFAULT = Duration.ofMillis(50);
    public static final Duration NODES_RETRY_BACKOFF_MAX = Duration.ofMinutes(1);
    public static final Duration NODES_RETRY_MAX_BACKOFF_DEFAULT = Duration.ofSeconds(2);
    public static final Duration NODES_RETRY_MAX_BACKOFF_MAX = Duration.ofMinutes(10);
    /** Percent of failed calls in the window that opens a node's circuit breaker. */
    public static final int NODES_BREAKER_FAILURE_RATE_DEFAULT = 50;
    /** Calls in the breaker's sliding window. */
    public static final int NODES_BREAKER_WINDOW_DEFAULT = 20;
    public static final int NODES_BREAKER_WINDOW_MIN = 2;
    public static final int NODES_BREAKER_WINDOW_MAX = 1000;
    /** Calls recorded before the failure rate is judged; at most the window (and lowered to it by default). */
    public static final int NODES_BREAKER_MINIMUM_CALLS_DEFAULT = 5;
    /** How long an open breaker refuses calls before letting probes through (half-open). */
    public static final Duration NODES_BREAKER_OPEN_FOR_DEFAULT = Duration.ofSeconds(5);
    public static final Duration NODES_BREAKER_OPEN_FOR_MAX = Duration.ofHours(1);

    /** The consistency of a write whose request leaves it UNSPECIFIED. */
    public static final Consistency WRITE_CONSISTENCY_DEFAULT = Consistency.QUORUM;
    /** Replica write calls in flight to one node. */
    public static final int WRITE_REPLICA_WINDOW_DEFAULT = 32;
    public static final int WRITE_REPLICA_WINDOW_MAX = 4096;
    /** Hints live beside the config file unless {@code write.hints_dir} says where. */
    public static final String WRITE_HINTS_DIR_DEFAULT = "hints";
    public static final Duration WRITE_HINT_REPLAY_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    public static final Duration WRITE_HINT_REPLAY_INTERVAL_MAX = Duration.ofHours(1);

    /** The background anti-entropy pass: one every minute ({@code 0s}: only {@code ./vxdb repair}). */
    /** The {@code service.name} of a coordinator's spans unless {@code tracing.service_name} says otherwise. */
    public static final String TRACING_SERVICE_NAME_DEFAULT = "vxdb-coordinator";
    public static final Duration REPAIR_INTERVAL_DEFAULT = Duration.ofMinutes(1);
    /** Records the background pass streams per second at most. */
    public static final int REPAIR_ROWS_PER_SECOND_DEFAULT = 20_000;
    public static final int REPAIR_ROWS_PER_SECOND_MAX = 10_000_000;
    public static final Duration REPAIR_INTERVAL_MAX = Duration.ofDays(7);
    /** Digest buckets per shard that replicas compare. */
    public static final int REPAIR_BUCKETS_DEFAULT = 64;
    public static final int REPAIR_BUCKETS_MAX = 65_536;

    private final String coordinatorId;
    private final ServerSettings server;
    private final Path topologyFile;
    private final Duration topologyReloadInterval;
    private final NodeCallSettings nodes;
    private final WriteSettings write;
    private final RepairSettings repair;
    private final ProtocolSettings protocols;
    private final SecuritySettings security;
    private final AuditSettings audit;

    CoordinatorConfig(String coordinatorId, ServerSettings server, Path topologyFile, Duration topologyReloadInterval,
                      NodeCallSettings nodes, WriteSettings write, RepairSettings repair,
                      ProtocolSettings protocols, SecuritySettings security, AuditSettings audit) {
        this.coordinatorId = coordinatorId;
        this.server = server;
        this.topologyFile = topologyFile;
        this.topologyReloadInterval = topologyReloadInterval;
        this.nodes = nodes;
        this.write = Objects.requireNonNull(write, "write");
        this.repair = Objects.requireNonNull(repair, "repair");
        this.protocols = Objects.requireNonNull(protocols, "protocols");
        this.security = Objects.requireNonNull(security, "security");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Reads and validates a config file. A relative {@code topology.file} resolves against the file's directory.
     *
     * @throws ConfigException {@code <file>: <field>: <reason>}, or {@code <file>: <reason>} when
     *                             the file cannot be read or is not valid YAML
     */
    public static CoordinatorConfig load(Path file) {
        return YamlDocument.load(file, CoordinatorConfig::parse);
    }

    /**
     * Reads and validates a config document.
     *
     * @param baseDir what a relative {@code topology.file} resolves against
     * @throws ConfigException {@code <field>: <reason>}
     */
    public static CoordinatorConfig parse(String yaml, Path baseDir) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(baseDir, "baseDir");
        return new CoordinatorConfigReader(baseDir).read(YamlDocument.read(yaml));
    }

    /**
     * Every setting at its default, coordinator id {@value #COORDINATOR_ID_DEFAULT}, and this
     * topology file; relative defaults (the hints directory) resolve beside the topology file.
     */
    public static CoordinatorConfig defaults(Path topologyFile) {
        Path absolute = topologyFile.toAbsolutePath();
        return defaults(absolute, absolute.getParent());
    }

    /** As {@link #defaults(Path)}, as if the config file were in {@code configDir}. */
    public static CoordinatorConfig defaults(Path topologyFile, Path configDir) {
        Objects.requireNonNull(topologyFile, "topologyFile");
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("coordinator_id", COORDINATOR_ID_DEFAULT);
        tree.putObject("topology").put("file", topologyFile.toAbsolutePath().toString());
        return new CoordinatorConfigReader(configDir).read(tree);
    }

    public String coordinatorId() {
        return coordinatorId;
    }

    /** The grpc, http, shutdown and logging settings, also answered by this config's own getters. */
    @Override
    public ServerSettings server() {
        return server;
    }

    /** Absolute and normalized. */
    public Path topologyFile() {
        return topologyFile;
    }

    /** How often the topology file is checked for changes; zero when hot reload is off. */
    public Duration topologyReloadInterval() {
        return topologyReloadInterval;
    }

    public Duration callTimeout() {
        return nodes.callTimeout();
    }

    /** Tries of a write per replica, the first one included; 1 means no retries. */
    public int writeAttempts() {
        return nodes.writeAttempts();
    }

    public Duration retryBackoff() {
        return nodes.retryBackoff();
    }

    public Duration retryMaxBackoff() {
        return nodes.retryMaxBackoff();
    }

    /** Percent, 1-100, as Resilience4j's {@code failureRateThreshold} takes it. */
    public float breakerFailureRate() {
        return nodes.breakerFailureRate();
    }

    public int breakerWindow() {
        return nodes.breakerWindow();
    }

    public int breakerMinimumCalls() {
        return nodes.breakerMinimumCalls();
    }

    public Duration breakerOpenFor() {
        return nodes.breakerOpenFor();
    }

    /** For writes whose request leaves the consistency UNSPECIFIED. */
    public Consistency consistency() {
        return write.consistency();
    }

    /** The write section: level, replica window, hints. */
    public WriteSettings write() {
        return write;
    }

    /** Between background anti-entropy passes; zero when repair runs only on demand. */
    public Duration repairInterval() {
        return repair.interval();
    }

    public int repairBuckets() {
        return repair.buckets();
    }

    /** The repair section: interval, buckets, rate. */
    public RepairSettings repair() {
        return repair;
    }

    /** REST, WebSocket and RESP listeners and their connection limits. */
    public ProtocolSettings protocols() {
        return protocols;
    }

    public CoordinatorConfig withProtocols(ProtocolSettings p) {
        return new CoordinatorConfig(coordinatorId, server, topologyFile, topologyReloadInterval, nodes, write,
                repair, p, security, audit);
    }

    public CoordinatorConfig withGrpcListen(HostAndPort address) {
        return new CoordinatorConfig(coordinatorId, server.withGrpcListen(address), topologyFile,
                topologyReloadInterval, nodes, write, repair, protocols, security, audit);
    }

    public CoordinatorConfig withHttpListen(HostAndPort address) {
        return new CoordinatorConfig(coordinatorId, server.withHttpListen(address), topologyFile,
                topologyReloadInterval, nodes, write, repair, protocols, security, audit);
    }

    /** Authentication: API keys, JWTs, the failed-authentication limit. */
    public SecuritySettings security() {
        return security;
    }

    /** The audit log: where, which categories, rotation. */
    public AuditSettings audit() {
        return audit;
    }

    public CoordinatorConfig withAudit(AuditSettings a) {
        return new CoordinatorConfig(coordinatorId, server, topologyFile, topologyReloadInterval, nodes, write,
                repair, protocols, security, a);
    }

    public CoordinatorConfig withSecurity(SecuritySettings s) {
        return new CoordinatorConfig(coordinatorId, server, topologyFile, topologyReloadInterval, nodes, write,
                repair, protocols, s, audit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinatorConfig other
                && coordinatorId.equals(other.coordinatorId)
                && server.equals(other.server)
                && topologyFile.equals(other.topologyFile)
                && topologyReloadInterval.equals(other.topologyReloadInterval)
                && nodes.equals(other.nodes)
                && write.equals(other.write)
                && repair.equals(other.repair)
                && protocols.equals(other.protocols)
                && security.equals(other.security)
                && audit.equals(other.audit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(coordinatorId, server, topologyFile, topologyReloadInterval, nodes, write,
                repair, protocols, security, audit);
    }

    /** One line with every setting, for the coordinator's start-up log. */
    @Override
    public String toString() {
        return "coordinator_id=" + coordinatorId
                + " " + server
                + " topology.file=" + topologyFile
                + " topology.reload_interval=" + DurationText.format(topologyReloadInterval)
                + " nodes.call_timeout=" + DurationText.format(nodes.callTimeout())
                + " nodes.write_attempts=" + nodes.writeAttempts()
                + " nodes.retry_backoff=" + DurationText.format(nodes.retryBackoff())
                + " nodes.retry_max_backoff=" + DurationText.format(nodes.retryMaxBackoff())
                + " nodes.breaker_failure_rate=" + nodes.breakerFailureRate()
                + " nodes.breaker_window=" + nodes.breakerWindow()
                + " nodes.breaker_minimum_calls=" + nodes.breakerMinimumCalls()
                + " nodes.breaker_open_for=" + DurationText.format(nodes.breakerOpenFor())
                + " write.consistency=" + write.consistency().name().toLowerCase(Locale.ROOT)
                + " write.replica_window=" + write.replicaWindow()
                + " write.hints_dir=" + write.hintsDir()
                + " write.hint_replay_interval=" + DurationText.format(write.hintReplayInterval())
                + " repair.interval=" + DurationText.format(repair.interval())
                + " repair.buckets=" + repair.buckets()
                + " repair.rows_per_second=" + repair.rowsPerSecond()
                + " " + protocols
                + " security.enabled=" + security.enabled()
                + " " + audit;
    }
}
