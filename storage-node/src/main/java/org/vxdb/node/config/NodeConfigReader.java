package org.vxdb.node.config;

import static org.vxdb.node.config.NodeConfig.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;
import org.vxdb.service.config.GrpcSettings;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ServerSettings;
import org.vxdb.service.config.TlsSettings;
import org.vxdb.service.tracing.TracingSettings;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.storage.wal.WalConfig;
import org.vxdb.storage.wal.WalRecordDescriptor;
import tools.jackson.databind.JsonNode;

/**
 * Turns a config tree into a {@link NodeConfig}, checking every field once: its type, its range, and
 * the rules between fields. Fields are read in the order of the documented schema, so the first error
 * reported is the first one in that order. Each field's default and limits are constants of
 * {@link NodeConfig} (or {@link CollectionDefaults}); the sections every server has are read by
 * {@link ServerSettings} and {@link GrpcSettings}.
 */
final class NodeConfigReader {

    private final Path baseDir;

    /** @param baseDir what relative data directories and TLS files resolve against */
    NodeConfigReader(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    NodeConfig read(JsonNode tree) {
        ConfigSection root = ConfigSection.root(tree,
                "node_id", "grpc", "http", "tls", "storage", "collection_defaults", "shutdown", "logging", "tracing");
        String nodeId = root.value("node_id").identifier();
        GrpcSettings grpc = GrpcSettings.read(root);
        HostAndPort http = ServerSettings.readHttpListen(root);
        TlsSettings tls = TlsSettings.read(root, baseDir, false);
        StorageSettings storage = storage(root);
        CollectionDefaults collectionDefaults = collectionDefaults(root);
        ServerSettings server = new ServerSettings(grpc, http, ServerSettings.readShutdownGrace(root),
                ServerSettings.readLogLevel(root), tls, TracingSettings.read(root, TRACING_SERVICE_NAME_DEFAULT));
        return new NodeConfig(nodeId, server, storage, collectionDefaults);
    }

    private StorageSettings storage(ConfigSection root) {
        ConfigSection storage = root.section("storage", "data_dirs", "native_memory_budget",
                "wal_max_file_bytes", "wal_max_record_bytes", "index_threads", "index_quiet_period",
                "index_max_deferral");
        List<Path> dataDirs = dataDirs(storage.value("data_dirs"));
        long budget = storage.value("native_memory_budget").size(STORAGE_NATIVE_MEMORY_BUDGET_DEFAULT, 1,
                Long.MAX_VALUE);
        ConfigValue walFile = storage.value("wal_max_file_bytes");
        long walMaxFileBytes = walFile.size(STORAGE_WAL_MAX_FILE_BYTES_DEFAULT, 1, Long.MAX_VALUE);
        int walMaxRecordBytes = (int) storage.value("wal_max_record_bytes").size(
                STORAGE_WAL_MAX_RECORD_BYTES_DEFAULT, 1, STORAGE_WAL_MAX_RECORD_BYTES_MAX);
        checkWalFileHoldsRecord(walFile, walMaxFileBytes, walMaxRecordBytes);
        int indexThreads = storage.value("index_threads").threads(STORAGE_INDEX_THREADS_DEFAULT, THREADS_MAX);
        Duration quiet = storage.value("index_quiet_period").duration(NodeConfig.STORAGE_INDEX_QUIET_PERIOD_DEFAULT,
                Duration.ZERO, NodeConfig.STORAGE_INDEX_DEFERRAL_MAX);
        Duration maxDeferral = storage.value("index_max_deferral").duration(
                NodeConfig.STORAGE_INDEX_MAX_DEFERRAL_DEFAULT, Duration.ZERO, NodeConfig.STORAGE_INDEX_DEFERRAL_MAX);
        return new StorageSettings(dataDirs, budget, walMaxFileBytes, walMaxRecordBytes, indexThreads, quiet,
                maxDeferral);
    }

    private List<Path> dataDirs(ConfigValue value) {
        List<ConfigValue> entries = value.list();
        if (entries.isEmpty()) {
            throw value.invalid("at least one data directory is required");
        }
        List<Path> dirs = new ArrayList<>(entries.size());
        Map<Path, String> listedAs = new HashMap<>();
        for (ConfigValue entry : entries) {
            Path dir = entry.resolvedPath(baseDir, "directory");
            String earlier = listedAs.putIfAbsent(dir, entry.path());
            if (earlier != null) {
                throw entry.invalid(dir + " is listed twice (also " + earlier + ")");
            }
            dirs.add(dir);
        }
        return dirs;
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
        FsyncPolicy fsync = section.value("fsync").oneOf(CollectionDefaults.FSYNC_POLICY_DEFAULT, FsyncPolicy.class);
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
}
