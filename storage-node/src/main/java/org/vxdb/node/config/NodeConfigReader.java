package org.vxdb.node.config;

import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;

import static org.vxdb.node.config.NodeConfig.*;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.storage.wal.WalConfig;
import org.vxdb.storage.wal.WalRecordDescriptor;
import tools.jackson.databind.JsonNode;

/**
 * Turns a config tree into a {@link NodeConfig}, checking every field once: its type, its range, and
 * the rules between fields. Fields are read in the order of the documented schema, so the first error
 * reported is the first one in that order. Each field's default and limits are constants of
 * {@link NodeConfig} (or {@link CollectionDefaults}).
 */
final class NodeConfigReader {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1," + NODE_ID_MAX_LENGTH + "}");

    private final Path baseDir;

    /** @param baseDir what relative data directories resolve against */
    NodeConfigReader(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    NodeConfig read(JsonNode tree) {
        ConfigSection root = ConfigSection.root(tree,
                "node_id", "grpc", "http", "storage", "collection_defaults", "shutdown", "logging");
        return new NodeConfig(nodeId(root.value("node_id")), grpc(root), http(root), storage(root),
                collectionDefaults(root), shutdownGrace(root), logLevel(root));
    }

    private static String nodeId(ConfigValue value) {
        String id = value.string(null);
        if (id == null) {
            throw value.invalid("required");
        }
        if (!NODE_ID.matcher(id).matches()) {
            throw value.invalid("'" + id + "' is invalid: use 1-" + NODE_ID_MAX_LENGTH
                    + " letters, digits, '_' or '-'");
        }
        return id;
    }

    private static GrpcSettings grpc(ConfigSection root) {
        ConfigSection grpc = root.section("grpc", "listen", "max_message_bytes", "max_concurrent_requests",
                "max_queued_requests", "max_batch_rows", "worker_threads", "default_deadline");
        return new GrpcSettings(
                listen(grpc.value("listen"), GRPC_LISTEN_DEFAULT),
                (int) grpc.value("max_message_bytes").size(GRPC_MAX_MESSAGE_BYTES_DEFAULT,
                        GRPC_MAX_MESSAGE_BYTES_MIN, GRPC_MAX_MESSAGE_BYTES_MAX),
                (int) grpc.value("max_concurrent_requests").integer(GRPC_MAX_CONCURRENT_REQUESTS_DEFAULT, 1,
                        GRPC_MAX_CONCURRENT_REQUESTS_MAX),
                (int) grpc.value("max_queued_requests").integer(GRPC_MAX_QUEUED_REQUESTS_DEFAULT, 0,
                        GRPC_MAX_QUEUED_REQUESTS_MAX),
                (int) grpc.value("max_batch_rows").integer(GRPC_MAX_BATCH_ROWS_DEFAULT, 1, GRPC_MAX_BATCH_ROWS_MAX),
                threads(grpc.value("worker_threads").integer(GRPC_WORKER_THREADS_DEFAULT, 0, THREADS_MAX)),
                grpc.value("default_deadline").positiveDuration(GRPC_DEFAULT_DEADLINE_DEFAULT,
                        GRPC_DEFAULT_DEADLINE_MAX));
    }

    private static HostAndPort http(ConfigSection root) {
        return listen(root.section("http", "listen").value("listen"), HTTP_LISTEN_DEFAULT);
    }

    private static HostAndPort listen(ConfigValue value, HostAndPort defaultValue) {
        String text = value.string(null);
        return text == null ? defaultValue : HostAndPort.parse(value.path(), text);
    }

    private StorageSettings storage(ConfigSection root) {
        ConfigSection storage = root.section("storage", "data_dirs", "native_memory_budget",
                "wal_max_file_bytes", "wal_max_record_bytes", "index_threads");
        List<Path> dataDirs = dataDirs(storage.value("data_dirs"));
        long budget = storage.value("native_memory_budget").size(STORAGE_NATIVE_MEMORY_BUDGET_DEFAULT, 1,
                Long.MAX_VALUE);
        ConfigValue walFile = storage.value("wal_max_file_bytes");
        long walMaxFileBytes = walFile.size(STORAGE_WAL_MAX_FILE_BYTES_DEFAULT, 1, Long.MAX_VALUE);
        int walMaxRecordBytes = (int) storage.value("wal_max_record_bytes").size(
                STORAGE_WAL_MAX_RECORD_BYTES_DEFAULT, 1, STORAGE_WAL_MAX_RECORD_BYTES_MAX);
        checkWalFileHoldsRecord(walFile, walMaxFileBytes, walMaxRecordBytes);
        int indexThreads = threads(storage.value("index_threads").integer(STORAGE_INDEX_THREADS_DEFAULT, 0,
                THREADS_MAX));
        return new StorageSettings(dataDirs, budget, walMaxFileBytes, walMaxRecordBytes, indexThreads);
    }

    private List<Path> dataDirs(ConfigValue value) {
        List<ConfigValue> entries = value.list();
        if (entries.isEmpty()) {
            throw value.invalid("at least one data directory is required");
        }
        List<Path> dirs = new ArrayList<>(entries.size());
        Map<Path, String> listedAs = new HashMap<>();
        for (ConfigValue entry : entries) {
            Path dir = dataDir(entry);
            String earlier = listedAs.putIfAbsent(dir, entry.path());
            if (earlier != null) {
                throw entry.invalid(dir + " is listed twice (also " + earlier + ")");
            }
            dirs.add(dir);
        }
        return dirs;
    }

    private Path dataDir(ConfigValue entry) {
        String text = entry.string(null);
        if (text == null) {
            throw entry.wrongType("a string");
        }
        if (text.isBlank()) {
            throw entry.invalid("'" + text + "' is invalid: use a directory path");
        }
        if (text.equals("~") || text.startsWith("~/")) {
            throw entry.invalid("'" + text + "' is invalid: '~' is not expanded; use an absolute path or one"
                    + " relative to the config file");
        }
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw entry.invalid("'" + text + "' is invalid: " + e.getReason());
        }
    }

    /** As {@code EngineConfig.conclude()} checks it: a WAL file must hold at least one largest record. */
    private static void checkWalFileHoldsRecord(ConfigValue walFile, long maxFileBytes, int maxRecordBytes) {
        int frame = WalRecordDescriptor.frameLength(maxRecordBytes);
        if (maxFileBytes < frame) {
            throw walFile.invalid(ByteSizeText.format(maxFileBytes) + " is invalid: use at least "
                    + ByteSizeText.format(frame) + " to hold one record of storage.wal_max_record_bytes");
        }
    }

    private static CollectionDefaults collectionDefaults(ConfigSection root) {
        ConfigSection section = root.section("collection_defaults", "fsync", "batch_window", "buffer_rows",
                "buffer_bytes", "buffer_age");
        FsyncPolicy fsync = section.value("fsync").parsed(CollectionDefaults.FSYNC_POLICY_DEFAULT,
                NodeConfigReader::fsyncPolicy);
        ConfigValue window = section.value("batch_window");
        Duration batchWindow = window.duration(CollectionDefaults.BATCH_WINDOW_DEFAULT, Duration.ZERO,
                WalConfig.MAX_BATCH_WINDOW);
        if (fsync == FsyncPolicy.BATCH && batchWindow.isZero()) {
            throw window.invalid("0s is invalid: fsync batch needs a positive window");
        }
        int bufferRows = (int) section.value("buffer_rows").integer(CollectionDefaults.BUFFER_ROWS_DEFAULT, 0,
                Integer.MAX_VALUE);
        long bufferBytes = section.value("buffer_bytes").size(CollectionDefaults.BUFFER_BYTES_DEFAULT, 1,
                Long.MAX_VALUE);
        Duration bufferAge = section.value("buffer_age").positiveDuration(CollectionDefaults.BUFFER_AGE_DEFAULT,
                null);
        return new CollectionDefaults(fsync, batchWindow, bufferRows, bufferBytes, bufferAge);
    }

    private static FsyncPolicy fsyncPolicy(String text) {
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            if (policy.name().equalsIgnoreCase(text)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is invalid: use "
                + oneOf(Stream.of(FsyncPolicy.values()).map(Enum::name).toList()));
    }

    private static Duration shutdownGrace(ConfigSection root) {
        return root.section("shutdown", "grace_period").value("grace_period")
                .duration(SHUTDOWN_GRACE_PERIOD_DEFAULT, Duration.ZERO, SHUTDOWN_GRACE_PERIOD_MAX);
    }

    private static String logLevel(ConfigSection root) {
        return root.section("logging", "level").value("level")
                .parsed(LOGGING_LEVEL_DEFAULT, NodeConfigReader::logLevel);
    }

    private static String logLevel(String text) {
        String level = text.toUpperCase(Locale.ROOT);
        if (!LOGGING_LEVELS.contains(level)) {
            throw new IllegalArgumentException("'" + text + "' is invalid: use " + oneOf(LOGGING_LEVELS));
        }
        return level;
    }

    /** "always, batch or none", in lower case as written in the file. */
    private static String oneOf(List<String> names) {
        List<String> lower = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        return String.join(", ", lower.subList(0, lower.size() - 1)) + " or " + lower.getLast();
    }

    /** 0 means one thread per CPU. */
    private static int threads(long configured) {
        return configured == 0 ? Runtime.getRuntime().availableProcessors() : (int) configured;
    }
}
