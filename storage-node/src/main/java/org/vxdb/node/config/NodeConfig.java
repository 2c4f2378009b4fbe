package org.vxdb.node.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.config.ConfigValue;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.GrpcSettings;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ServerConfig;
import org.vxdb.service.config.ServerSettings;
import org.vxdb.service.config.TlsSettings;
import org.vxdb.service.config.YamlDocument;
import org.vxdb.storage.engine.EngineConfig;
import org.vxdb.storage.wal.WalRecordDescriptor;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The storage node's configuration, read from a YAML file (docs/configuration.md) and validated
 * completely when read, in the spirit of Aeron's {@code MediaDriver.Context.conclude()}: a node with
 * a bad config fails at start with the field and the reason, e.g.
 * {@code node.yaml: grpc.max_batch_rows: 0 is invalid: use 1-100000}. Immutable.
 *
 * <p>Each field's default and limits are the constants below, named after the field's YAML path.
 * Storage and collection defaults come from {@link EngineConfig} and
 * {@link org.vxdb.storage.engine.CollectionConfig}, so the engine and its config file agree.
 */
public final class NodeConfig implements ServerConfig {

    /** {@code node_id}: required in a file; {@link #defaults} uses this one. */
    public static final String NODE_ID_DEFAULT = "node-1";
    public static final int NODE_ID_MAX_LENGTH = ConfigValue.IDENTIFIER_MAX_LENGTH;

    // grpc, http, shutdown and logging are the sections every server has: ServerSettings and GrpcSettings.
    public static final HostAndPort GRPC_LISTEN_DEFAULT = GrpcSettings.LISTEN_DEFAULT;
    public static final int GRPC_MAX_MESSAGE_BYTES_DEFAULT = GrpcSettings.MAX_MESSAGE_BYTES_DEFAULT;
    public static final int GRPC_MAX_MESSAGE_BYTES_MIN = GrpcSettings.MAX_MESSAGE_BYTES_MIN;
    public static final int GRPC_MAX_MESSAGE_BYTES_MAX = GrpcSettings.MAX_MESSAGE_BYTES_MAX;
    public static final int GRPC_MAX_CONCURRENT_REQUESTS_DEFAULT = GrpcSettings.MAX_CONCURRENT_REQUESTS_DEFAULT;
    public static final int GRPC_MAX_CONCURRENT_REQUESTS_MAX = GrpcSettings.MAX_CONCURRENT_REQUESTS_MAX;
    public static final int GRPC_MAX_QUEUED_REQUESTS_DEFAULT = GrpcSettings.MAX_QUEUED_REQUESTS_DEFAULT;
    public static final int GRPC_MAX_QUEUED_REQUESTS_MAX = GrpcSettings.MAX_QUEUED_REQUESTS_MAX;
    public static final int GRPC_MAX_BATCH_ROWS_DEFAULT = GrpcSettings.MAX_BATCH_ROWS_DEFAULT;
    public static final int GRPC_MAX_BATCH_ROWS_MAX = GrpcSettings.MAX_BATCH_ROWS_MAX;
    public static final int GRPC_WORKER_THREADS_DEFAULT = GrpcSettings.WORKER_THREADS_DEFAULT;
    public static final Duration GRPC_DEFAULT_DEADLINE_DEFAULT = GrpcSettings.DEFAULT_DEADLINE_DEFAULT;
    public static final Duration GRPC_DEFAULT_DEADLINE_MAX = GrpcSettings.DEFAULT_DEADLINE_MAX;
    public static final HostAndPort HTTP_LISTEN_DEFAULT = ServerSettings.HTTP_LISTEN_DEFAULT;

    /** {@code storage.data_dirs} has no default. Half of physical memory. */
    /** The {@code service.name} of a node's spans unless {@code tracing.service_name} says otherwise. */
    public static final String TRACING_SERVICE_NAME_DEFAULT = "vxdb-node";
    public static final long STORAGE_NATIVE_MEMORY_BUDGET_DEFAULT = EngineConfig.NATIVE_MEMORY_BUDGET_DEFAULT;
    public static final long STORAGE_WAL_MAX_FILE_BYTES_DEFAULT = EngineConfig.WAL_MAX_FILE_BYTES_DEFAULT;
    public static final int STORAGE_WAL_MAX_RECORD_BYTES_DEFAULT = EngineConfig.WAL_MAX_RECORD_BYTES_DEFAULT;
    public static final int STORAGE_WAL_MAX_RECORD_BYTES_MAX = WalRecordDescriptor.MAX_PAYLOAD_LENGTH;
    /** OpenMP threads for FAISS; 0 means the number of CPUs. */
    public static final int STORAGE_INDEX_THREADS_DEFAULT = 0;

    /** Index work on a shard waits until its writes paused this long ({@code 0s}: no wait). */
    public static final Duration STORAGE_INDEX_QUIET_PERIOD_DEFAULT = EngineConfig.INDEX_QUIET_PERIOD_DEFAULT;
    /** ... but no longer than this after it became due. */
    public static final Duration STORAGE_INDEX_MAX_DEFERRAL_DEFAULT = EngineConfig.INDEX_MAX_DEFERRAL_DEFAULT;
    /** Bound of {@code storage.index_quiet_period} and {@code storage.index_max_deferral}. */
    public static final Duration STORAGE_INDEX_DEFERRAL_MAX = Duration.ofHours(1);

    /** Bound of {@code grpc.worker_threads} and {@code storage.index_threads}. */
    public static final int THREADS_MAX = GrpcSettings.WORKER_THREADS_MAX;

    public static final Duration SHUTDOWN_GRACE_PERIOD_DEFAULT = ServerSettings.SHUTDOWN_GRACE_PERIOD_DEFAULT;
    public static final Duration SHUTDOWN_GRACE_PERIOD_MAX = ServerSettings.SHUTDOWN_GRACE_PERIOD_MAX;
    public static final String LOGGING_LEVEL_DEFAULT = ServerSettings.LOGGING_LEVEL_DEFAULT;
    public static final List<String> LOGGING_LEVELS = ServerSettings.LOGGING_LEVELS;

    private final String nodeId;
    private final ServerSettings server;
    private final StorageSettings storage;
    private final CollectionDefaults collectionDefaults;

    NodeConfig(String nodeId, ServerSettings server, StorageSettings storage, CollectionDefaults collectionDefaults) {
        this.nodeId = nodeId;
        this.server = server;
        this.storage = storage;
        this.collectionDefaults = collectionDefaults;
    }

    /**
     * Reads and validates a config file. Relative data directories and TLS files resolve against the
     * file's directory.
     *
     * @throws ConfigException {@code <file>: <field>: <reason>}, or {@code <file>: <reason>} when
     *                             the file cannot be read or is not valid YAML
     */
    public static NodeConfig load(Path file) {
        return YamlDocument.load(file, NodeConfig::parse);
    }

    /**
     * Reads and validates a config document.
     *
     * @param baseDir what relative data directories resolve against
     * @throws ConfigException {@code <field>: <reason>}
     */
    public static NodeConfig parse(String yaml, Path baseDir) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(baseDir, "baseDir");
        return new NodeConfigReader(baseDir).read(YamlDocument.read(yaml));
    }

    /** Every setting at its default, node id {@value #NODE_ID_DEFAULT} and one data directory. */
    public static NodeConfig defaults(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("node_id", NODE_ID_DEFAULT);
        tree.putObject("storage").put("data_dirs", dataDir.toString());
        return new NodeConfigReader(Path.of("")).read(tree);
    }

    public String nodeId() {
        return nodeId;
    }

    /** The grpc, http, shutdown and logging settings, also answered by this config's own getters. */
    @Override
    public ServerSettings server() {
        return server;
    }

    /** Absolute and normalized, in the order given. */
    public List<Path> dataDirs() {
        return storage.dataDirs();
    }

    public long nativeMemoryBudget() {
        return storage.nativeMemoryBudget();
    }

    public long walMaxFileBytes() {
        return storage.walMaxFileBytes();
    }

    public int walMaxRecordBytes() {
        return storage.walMaxRecordBytes();
    }

    /** FAISS (OpenMP) threads, never 0: {@code index_threads: 0} is resolved to the number of CPUs. */
    public int indexThreads() {
        return storage.indexThreads();
    }

    public Duration indexQuietPeriod() {
        return storage.indexQuietPeriod();
    }

    public Duration indexMaxDeferral() {
        return storage.indexMaxDeferral();
    }

    public CollectionDefaults collectionDefaults() {
        return collectionDefaults;
    }

    /** A new engine config with these storage settings, not yet concluded: {@code StorageEngine.open} does that. */
    public EngineConfig engineConfig() {
        return new EngineConfig()
                .dataDirs(storage.dataDirs())
                .nativeMemoryBudget(storage.nativeMemoryBudget())
                .walMaxFileBytes(storage.walMaxFileBytes())
                .walMaxRecordBytes(storage.walMaxRecordBytes())
                .indexQuietPeriod(storage.indexQuietPeriod())
                .indexMaxDeferral(storage.indexMaxDeferral());
    }

    public NodeConfig withGrpcListen(HostAndPort address) {
        return new NodeConfig(nodeId, server.withGrpcListen(address), storage, collectionDefaults);
    }

    public NodeConfig withHttpListen(HostAndPort address) {
        return new NodeConfig(nodeId, server.withHttpListen(address), storage, collectionDefaults);
    }

    /** With mutual TLS on the gRPC server (and HTTPS on the operations port if {@code tls.http()}); null for none. */
    public NodeConfig withTls(TlsSettings tls) {
        return new NodeConfig(nodeId, server.withTls(tls), storage, collectionDefaults);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeConfig other
                && nodeId.equals(other.nodeId)
                && server.equals(other.server)
                && storage.equals(other.storage)
                && collectionDefaults.equals(other.collectionDefaults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, server, storage, collectionDefaults);
    }

    /** One line with every setting, for the node's start-up log. */
    @Override
    public String toString() {
        CollectionDefaults c = collectionDefaults;
        return "node_id=" + nodeId
                + " " + server
                + " storage.data_dirs=" + storage.dataDirs()
                + " storage.native_memory_budget=" + ByteSizeText.format(storage.nativeMemoryBudget())
                + " storage.wal_max_file_bytes=" + ByteSizeText.format(storage.walMaxFileBytes())
                + " storage.wal_max_record_bytes=" + ByteSizeText.format(storage.walMaxRecordBytes())
                + " storage.index_threads=" + storage.indexThreads()
                + " storage.index_quiet_period=" + DurationText.format(storage.indexQuietPeriod())
                + " storage.index_max_deferral=" + DurationText.format(storage.indexMaxDeferral())
                + " collection_defaults.fsync=" + c.fsyncPolicy().name().toLowerCase(Locale.ROOT)
                + " collection_defaults.batch_window=" + DurationText.format(c.batchWindow())
                + " collection_defaults.buffer_rows=" + c.bufferRows()
                + " collection_defaults.buffer_bytes=" + ByteSizeText.format(c.bufferBytes())
                + " collection_defaults.buffer_age=" + DurationText.format(c.bufferAge());
    }
}
