package org.vxdb.storage.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.observe.GuardedStorageListener;
import org.vxdb.storage.observe.StorageListener;
import org.vxdb.storage.shard.IndexBuildGate;
import org.vxdb.storage.wal.WalConfig;
import org.vxdb.storage.wal.WalRecordDescriptor;

/**
 * Configuration of a {@link StorageEngine}, in the style of Aeron's {@code MediaDriver.Context}:
 * every setting has a system property and a default beside it, setters chain, and
 * {@link #conclude()} (called by {@link StorageEngine#open}) validates everything once, before the
 * engine touches any data, failing with the setting's name. A concluded config is frozen.
 *
 * <p>Each collection fixes its own fsync policy and batch window ({@link CollectionConfig}); the
 * WAL settings here are the rest of the WAL configuration, shared by every shard of the node.
 */
public final class EngineConfig {

    /** Comma-separated data directories, e.g. {@code /disk0/vxdb,/disk1/vxdb}. No default. */
    public static final String DATA_DIRS_PROP_NAME = "vxdb.storage.dataDirs";
    public static final String DATA_DIRS_DEFAULT = "";

    /** A WAL file is rolled over before it passes this size. */
    public static final String WAL_MAX_FILE_BYTES_PROP_NAME = "vxdb.storage.wal.maxFileBytes";
    public static final long WAL_MAX_FILE_BYTES_DEFAULT = WalConfig.MAX_FILE_BYTES_DEFAULT;

    /** Largest WAL record, which bounds the encoded size of one write batch to a shard. */
    public static final String WAL_MAX_RECORD_BYTES_PROP_NAME = "vxdb.storage.wal.maxRecordBytes";
    public static final int WAL_MAX_RECORD_BYTES_DEFAULT = WalConfig.MAX_RECORD_BYTES_DEFAULT;

    private static final String WRITE_PROBE = ".vxdb-write-probe";

    private List<Path> dataDirs = parseDataDirs(System.getProperty(DATA_DIRS_PROP_NAME, DATA_DIRS_DEFAULT));
    private long walMaxFileBytes = longProperty(WAL_MAX_FILE_BYTES_PROP_NAME, WAL_MAX_FILE_BYTES_DEFAULT);
    private int walMaxRecordBytes = intProperty(WAL_MAX_RECORD_BYTES_PROP_NAME, WAL_MAX_RECORD_BYTES_DEFAULT);
    /** Native memory the engine may allocate itself (buffers, index builds, loaded indexes, search bitmaps). */
    public static final String NATIVE_MEMORY_BUDGET_PROP_NAME = "vxdb.storage.nativeMemoryBudget";
    /** Half of the machine's physical memory. */
    public static final long NATIVE_MEMORY_BUDGET_DEFAULT = physicalMemory() / 2;

    private long nativeMemoryBudget = longProperty(NATIVE_MEMORY_BUDGET_PROP_NAME, NATIVE_MEMORY_BUDGET_DEFAULT);
    private NativeMemoryBudget budget;
    /** Shards of the engine that may do index work (train, add) at the same time. */
    public static final String INDEX_BUILDS_PROP_NAME = "vxdb.storage.indexBuilds";
    /**
     * One: a build already runs on {@code index_threads} OpenMP threads (all CPUs by default), so
     * builds side by side only contend for the same cores and multiply the memory they hold.
     */
    public static final int INDEX_BUILDS_DEFAULT = 1;

    private int indexBuilds = intProperty(INDEX_BUILDS_PROP_NAME, INDEX_BUILDS_DEFAULT);
    /**
     * Index work (training, adding rows) on a shard waits until the shard has received no write for
     * this long, so a bulk load keeps the CPUs; 0 starts it at once. In milliseconds.
     */
    public static final String INDEX_QUIET_PERIOD_PROP_NAME = "vxdb.storage.indexQuietPeriodMillis";
    public static final Duration INDEX_QUIET_PERIOD_DEFAULT = Duration.ofSeconds(1);
    /** The longest index work waits for that pause after it became due. In milliseconds. */
    public static final String INDEX_MAX_DEFERRAL_PROP_NAME = "vxdb.storage.indexMaxDeferralMillis";
    public static final Duration INDEX_MAX_DEFERRAL_DEFAULT = Duration.ofSeconds(60);

    private Duration indexQuietPeriod = Duration.ofMillis(longProperty(INDEX_QUIET_PERIOD_PROP_NAME,
            INDEX_QUIET_PERIOD_DEFAULT.toMillis()));
    private Duration indexMaxDeferral = Duration.ofMillis(longProperty(INDEX_MAX_DEFERRAL_PROP_NAME,
            INDEX_MAX_DEFERRAL_DEFAULT.toMillis()));
    /** Threads that search the shards of one request side by side (with the request's own thread). */
    public static final String SEARCH_THREADS_PROP_NAME = "vxdb.storage.searchThreads";
    /** One per CPU: a shard search is CPU-bound. 1 searches the shards one after another. */
    public static final int SEARCH_THREADS_DEFAULT = Runtime.getRuntime().availableProcessors();

    private int searchThreads = intProperty(SEARCH_THREADS_PROP_NAME, SEARCH_THREADS_DEFAULT);
    private IndexBuildGate buildGate;
    /** No system property: a listener is code, set by whoever embeds the engine (the node's metrics). */
    private StorageListener listener = StorageListener.NONE;
    private StorageListener guardedListener;
    private boolean concluded;

    private static long physicalMemory() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return 8L << 30;
    }

    public EngineConfig nativeMemoryBudget(long bytes) {
        checkNotConcluded();
        this.nativeMemoryBudget = bytes;
        return this;
    }

    public long nativeMemoryBudget() {
        return nativeMemoryBudget;
    }

    /** The node-wide budget every shard of this engine reserves from (after {@link #conclude()}). */
    public NativeMemoryBudget budget() {
        if (budget == null) {
            throw new IllegalStateException("EngineConfig is not concluded yet");
        }
        return budget;
    }

    public EngineConfig indexBuilds(int concurrent) {
        checkNotConcluded();
        this.indexBuilds = concurrent;
        return this;
    }

    public int indexBuilds() {
        return indexBuilds;
    }

    public EngineConfig indexQuietPeriod(Duration quiet) {
        checkNotConcluded();
        this.indexQuietPeriod = quiet;
        return this;
    }

    public Duration indexQuietPeriod() {
        return indexQuietPeriod;
    }

    public EngineConfig indexMaxDeferral(Duration max) {
        checkNotConcluded();
        this.indexMaxDeferral = max;
        return this;
    }

    public Duration indexMaxDeferral() {
        return indexMaxDeferral;
    }

    public EngineConfig searchThreads(int threads) {
        checkNotConcluded();
        this.searchThreads = threads;
        return this;
    }

    public int searchThreads() {
        return searchThreads;
    }

    /** The gate every shard of this engine takes its turn at for index work (after {@link #conclude()}). */
    public IndexBuildGate buildGate() {
        if (buildGate == null) {
            throw new IllegalStateException("EngineConfig is not concluded yet");
        }
        return buildGate;
    }

    /** Receives fsync, seal, index and compaction events of every shard; default {@link StorageListener#NONE}. */
    public EngineConfig listener(StorageListener listener) {
        checkNotConcluded();
        this.listener = listener;
        return this;
    }

    public StorageListener listener() {
        return listener;
    }

    /** The listener wrapped once for the whole engine, so a failing one is logged once, not per shard. */
    StorageListener guardedListener() {
        if (guardedListener == null) {
            throw new IllegalStateException("EngineConfig is not concluded yet");
        }
        return guardedListener;
    }

    public EngineConfig dataDirs(Path... dirs) {
        return dataDirs(Arrays.asList(dirs));
    }

    /** Where collections live; shards are spread over them (docs/storage-engine.md). Order matters. */
    public EngineConfig dataDirs(List<Path> dirs) {
        checkNotConcluded();
        this.dataDirs = dirs == null ? List.of() : new ArrayList<>(dirs);
        return this;
    }

    public List<Path> dataDirs() {
        return List.copyOf(dataDirs);
    }

    public EngineConfig walMaxFileBytes(long bytes) {
        checkNotConcluded();
        this.walMaxFileBytes = bytes;
        return this;
    }

    public long walMaxFileBytes() {
        return walMaxFileBytes;
    }

    public EngineConfig walMaxRecordBytes(int bytes) {
        checkNotConcluded();
        this.walMaxRecordBytes = bytes;
        return this;
    }

    public int walMaxRecordBytes() {
        return walMaxRecordBytes;
    }

    /** The WAL configuration of one shard of {@code collection}. */
    WalConfig walConfig(CollectionConfig collection) {
        return new WalConfig(collection.fsyncPolicy(), collection.batchWindow(), walMaxFileBytes, walMaxRecordBytes);
    }

    public boolean isConcluded() {
        return concluded;
    }

    /**
     * Validates every setting, then creates missing data directories and checks that each can be
     * written. Called once, by {@link StorageEngine#open}.
     */
    public EngineConfig conclude() {
        checkNotConcluded();
        checkWal();
        if (nativeMemoryBudget < 1) {
            throw new IllegalArgumentException("nativeMemoryBudget " + nativeMemoryBudget + " is invalid: use at least 1 byte");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener is null: use StorageListener.NONE for none");
        }
        if (indexBuilds < 1 || indexBuilds > 1024) {
            throw new IllegalArgumentException("indexBuilds " + indexBuilds + " is invalid: use 1-1024");
        }
        checkIndexDeferral();
        if (searchThreads < 1 || searchThreads > 1024) {
            throw new IllegalArgumentException("searchThreads " + searchThreads + " is invalid: use 1-1024");
        }
        dataDirs = checkDataDirs(dataDirs);
        budget = new NativeMemoryBudget(nativeMemoryBudget);
        buildGate = new IndexBuildGate(indexBuilds, indexQuietPeriod, indexMaxDeferral);
        guardedListener = GuardedStorageListener.guard(listener);
        concluded = true;
        return this;
    }

    private void checkIndexDeferral() {
        if (indexQuietPeriod == null || indexQuietPeriod.isNegative()) {
            throw new IllegalArgumentException("indexQuietPeriod " + indexQuietPeriod
                    + " is invalid: use 0 (no deferral) or more");
        }
        if (indexMaxDeferral == null || indexMaxDeferral.isNegative()) {
            throw new IllegalArgumentException("indexMaxDeferral " + indexMaxDeferral + " is invalid: use 0 or more");
        }
    }

    private void checkWal() {
        if (!WalRecordDescriptor.isValidPayloadLength(walMaxRecordBytes)) {
            throw new IllegalArgumentException("walMaxRecordBytes " + walMaxRecordBytes + " is invalid: use 1-"
                    + WalRecordDescriptor.MAX_PAYLOAD_LENGTH);
        }
        int frame = WalRecordDescriptor.frameLength(walMaxRecordBytes);
        if (walMaxFileBytes < frame) {
            throw new IllegalArgumentException("walMaxFileBytes " + walMaxFileBytes + " is invalid: use at least "
                    + frame + ", one record of walMaxRecordBytes");
        }
    }

    private static List<Path> checkDataDirs(List<Path> dirs) {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("dataDirs: at least one data directory is required (set "
                    + DATA_DIRS_PROP_NAME + ")");
        }
        List<Path> checked = new ArrayList<>(dirs.size());
        Map<Path, Path> byRealPath = new HashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            if (dirs.get(i) == null) {
                throw new IllegalArgumentException("dataDirs: entry " + i + " is null");
            }
            Path dir = dirs.get(i).toAbsolutePath().normalize();
            Path real = createWritable(dir);
            Path earlier = byRealPath.putIfAbsent(real, dir);
            if (earlier != null) {
                throw new IllegalArgumentException("dataDirs: " + dir + " and " + earlier + " are the same directory");
            }
            checked.add(dir);
        }
        return List.copyOf(checked);
    }

    private static Path createWritable(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("dataDirs: " + dir + " is not a directory");
            }
            DurableFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("dataDirs: cannot create " + dir + ": " + e, e);
        }
        try {
            Path probe = dir.resolve(WRITE_PROBE);
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
            return dir.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("dataDirs: " + dir + " is not writable: " + e, e);
        }
    }

    private static List<Path> parseDataDirs(String text) {
        List<Path> dirs = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                dirs.add(Path.of(part.strip()));
            }
        }
        return dirs;
    }

    private static long longProperty(String name, long defaultValue) {
        String value = System.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + "='" + value + "' is not a number", e);
        }
    }

    private static int intProperty(String name, int defaultValue) {
        long value = longProperty(name, defaultValue);
        if (value != (int) value) {
            throw new IllegalArgumentException("system property " + name + "=" + value + " is out of range");
        }
        return (int) value;
    }

    private void checkNotConcluded() {
        if (concluded) {
            throw new IllegalStateException("EngineConfig is already concluded: use a new one for each StorageEngine");
        }
    }
}
