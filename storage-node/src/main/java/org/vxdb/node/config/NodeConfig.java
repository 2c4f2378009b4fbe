package org.vxdb.node.config;

import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.YamlDocument;
import org.vxdb.service.config.ConfigException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
public final class NodeConfig {

    /** {@code node_id}: required in a file; {@link #defaults} uses this one. */
    public static final String NODE_ID_DEFAULT = "node-1";
    public static final int NODE_ID_MAX_LENGTH = 64;

    public static final HostAndPort GRPC_LISTEN_DEFAULT = new HostAndPort("127.0.0.1", 7100);
    public static final int GRPC_MAX_MESSAGE_BYTES_DEFAULT = 64 << 20;
    public static final int GRPC_MAX_MESSAGE_BYTES_MIN = 1 << 10;
    public static final int GRPC_MAX_MESSAGE_BYTES_MAX = 1 << 30;
    /** Requests executing at once. */
    public static final int GRPC_MAX_CONCURRENT_REQUESTS_DEFAULT = 64;
    public static final int GRPC_MAX_CONCURRENT_REQUESTS_MAX = 10_000;
    /** Requests waiting beyond those executing; more are refused with RESOURCE_EXHAUSTED. 0 allowed. */
    public static final int GRPC_MAX_QUEUED_REQUESTS_DEFAULT = 256;
    public static final int GRPC_MAX_QUEUED_REQUESTS_MAX = 100_000;
    public static final int GRPC_MAX_BATCH_ROWS_DEFAULT = 10_000;
    public static final int GRPC_MAX_BATCH_ROWS_MAX = 100_000;
    /** 0 means the number of CPUs. */
    public static final int GRPC_WORKER_THREADS_DEFAULT = 0;
    /** Applied to requests that arrive without a deadline. */
    public static final Duration GRPC_DEFAULT_DEADLINE_DEFAULT = Duration.ofSeconds(60);
    public static final Duration GRPC_DEFAULT_DEADLINE_MAX = Duration.ofHours(24);

    /** Health ({@code /healthz}, {@code /readyz}) and metrics ({@code /metrics}). */
    public static final HostAndPort HTTP_LISTEN_DEFAULT = new HostAndPort("127.0.0.1", 7180);

    /** {@code storage.data_dirs} has no default. Half of physical memory. */
    public static final long STORAGE_NATIVE_MEMORY_BUDGET_DEFAULT = EngineConfig.NATIVE_MEMORY_BUDGET_DEFAULT;
    public static final long STORAGE_WAL_MAX_FILE_BYTES_DEFAULT = EngineConfig.WAL_MAX_FILE_BYTES_DEFAULT;
    public static final int STORAGE_WAL_MAX_RECORD_BYTES_DEFAULT = EngineConfig.WAL_MAX_RECORD_BYTES_DEFAULT;
    public static final int STORAGE_WAL_MAX_RECORD_BYTES_MAX = WalRecordDescriptor.MAX_PAYLOAD_LENGTH;
    /** OpenMP threads for FAISS; 0 means the number of CPUs. */
    public static final int STORAGE_INDEX_THREADS_DEFAULT = 0;

    /** Bound of {@code grpc.worker_threads} and {@code storage.index_threads}. */
    public static final int THREADS_MAX = 1024;

    /** How long in-flight requests may drain on SIGTERM; 0 stops at once. */
    public static final Duration SHUTDOWN_GRACE_PERIOD_DEFAULT = Duration.ofSeconds(20);
    public static final Duration SHUTDOWN_GRACE_PERIOD_MAX = Duration.ofHours(1);

    public static final String LOGGING_LEVEL_DEFAULT = "INFO";
    public static final List<String> LOGGING_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private final String nodeId;
    private final GrpcSettings grpc;
    private final HostAndPort httpListen;
    private final StorageSettings storage;
    private final CollectionDefaults collectionDefaults;
    private final Duration shutdownGrace;
    private final String logLevel;

    NodeConfig(String nodeId, GrpcSettings grpc, HostAndPort httpListen, StorageSettings storage,
               CollectionDefaults collectionDefaults, Duration shutdownGrace, String logLevel) {
        if (httpListen.overlaps(grpc.listen())) {
            throw new ConfigException("http.listen: " + httpListen + " is invalid: grpc.listen "
                    + grpc.listen() + " uses the same port");
        }
        this.nodeId = nodeId;
        this.grpc = grpc;
        this.httpListen = httpListen;
        this.storage = storage;
        this.collectionDefaults = collectionDefaults;
        this.shutdownGrace = shutdownGrace;
        this.logLevel = logLevel;
    }

    /**
     * Reads and validates a config file. Relative data directories resolve against the file's directory.
     *
     * @throws ConfigException {@code <file>: <field>: <reason>}, or {@code <file>: <reason>} when
     *                             the file cannot be read or is not valid YAML
     */
    public static NodeConfig load(Path file) {
        String yaml = readFile(file);
        try {
            return parse(yaml, file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw e.inFile(file);
        }
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

    private static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e, e);
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public HostAndPort grpcListen() {
        return grpc.listen();
    }

    public HostAndPort httpListen() {
        return httpListen;
    }

    public int maxMessageBytes() {
        return grpc.maxMessageBytes();
    }

    public int maxConcurrentRequests() {
        return grpc.maxConcurrentRequests();
    }

    public int maxQueuedRequests() {
        return grpc.maxQueuedRequests();
    }

    public int maxBatchRows() {
        return grpc.maxBatchRows();
    }

    /** gRPC worker threads, never 0: {@code worker_threads: 0} is resolved to the number of CPUs. */
    public int grpcWorkerThreads() {
        return grpc.workerThreads();
    }

    public Duration defaultDeadline() {
        return grpc.defaultDeadline();
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
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

    public CollectionDefaults collectionDefaults() {
        return collectionDefaults;
    }

    /** One of {@link #LOGGING_LEVELS}. */
    public String logLevel() {
        return logLevel;
    }

    /** A new engine config with these storage settings, not yet concluded: {@code StorageEngine.open} does that. */
    public EngineConfig engineConfig() {
        return new EngineConfig()
                .dataDirs(storage.dataDirs())
                .nativeMemoryBudget(storage.nativeMemoryBudget())
                .walMaxFileBytes(storage.walMaxFileBytes())
                .walMaxRecordBytes(storage.walMaxRecordBytes());
    }

    public NodeConfig withGrpcListen(HostAndPort address) {
        Objects.requireNonNull(address, "address");
        return new NodeConfig(nodeId, grpc.withListen(address), httpListen, storage, collectionDefaults,
                shutdownGrace, logLevel);
    }

    public NodeConfig withHttpListen(HostAndPort address) {
        Objects.requireNonNull(address, "address");
        return new NodeConfig(nodeId, grpc, address, storage, collectionDefaults, shutdownGrace, logLevel);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeConfig other
                && nodeId.equals(other.nodeId)
                && grpc.equals(other.grpc)
                && httpListen.equals(other.httpListen)
                && storage.equals(other.storage)
                && collectionDefaults.equals(other.collectionDefaults)
                && shutdownGrace.equals(other.shutdownGrace)
                && logLevel.equals(other.logLevel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, grpc, httpListen, storage, collectionDefaults, shutdownGrace, logLevel);
    }

    /** One line with every setting, for the node's start-up log. */
    @Override
    public String toString() {
        CollectionDefaults c = collectionDefaults;
        return "node_id=" + nodeId
                + " grpc.listen=" + grpc.listen()
                + " grpc.max_message_bytes=" + ByteSizeText.format(grpc.maxMessageBytes())
                + " grpc.max_concurrent_requests=" + grpc.maxConcurrentRequests()
                + " grpc.max_queued_requests=" + grpc.maxQueuedRequests()
                + " grpc.max_batch_rows=" + grpc.maxBatchRows()
                + " grpc.worker_threads=" + grpc.workerThreads()
                + " grpc.default_deadline=" + DurationText.format(grpc.defaultDeadline())
                + " http.listen=" + httpListen
                + " storage.data_dirs=" + storage.dataDirs()
                + " storage.native_memory_budget=" + ByteSizeText.format(storage.nativeMemoryBudget())
                + " storage.wal_max_file_bytes=" + ByteSizeText.format(storage.walMaxFileBytes())
                + " storage.wal_max_record_bytes=" + ByteSizeText.format(storage.walMaxRecordBytes())
                + " storage.index_threads=" + storage.indexThreads()
                + " collection_defaults.fsync=" + c.fsyncPolicy().name().toLowerCase(Locale.ROOT)
                + " collection_defaults.batch_window=" + DurationText.format(c.batchWindow())
                + " collection_defaults.buffer_rows=" + c.bufferRows()
                + " collection_defaults.buffer_bytes=" + ByteSizeText.format(c.bufferBytes())
                + " collection_defaults.buffer_age=" + DurationText.format(c.bufferAge())
                + " shutdown.grace_period=" + DurationText.format(shutdownGrace)
                + " logging.level=" + logLevel;
    }
}
