package org.vxdb.storage.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.shard.ShardConfig;

/**
 * The in-process engine of a storage node: the collections on its data directories and their
 * open shards. Layout and crash rules are in docs/storage-engine.md and {@link DataDirLayout}.
 *
 * <p>A collection exists exactly when its {@code collection.properties} is in data dir 0. Create
 * writes the config into every other data dir that will hold a shard first and into data dir 0
 * last; drop deletes the config in data dir 0 first and the directories after. A crash in between
 * leaves directories without a config in data dir 0, which {@link #open} removes.
 *
 * <p>Lookups are lock-free; create, drop and close are serialised.
 */
public final class StorageEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);

    private final EngineConfig config;
    private final DataDirLayout layout;
    private final ConcurrentSkipListMap<String, Collection> collections = new ConcurrentSkipListMap<>();
    private final Object lifecycle = new Object();
    /** Collections being dropped: gone from {@link #collections}, their files not yet deleted. Guarded by lifecycle. */
    private final Set<String> dropping = new HashSet<>();
    private volatile boolean closed;
    private final ShardSearchPool searchPool;

    private StorageEngine(EngineConfig config, DataDirLayout layout) {
        this.config = config;
        this.layout = layout;
        this.searchPool = new ShardSearchPool(config.searchThreads());
    }

    /** Validates the config, locks the data dirs and opens every collection found on them. */
    public static StorageEngine open(EngineConfig config) throws IOException {
        config.conclude();
        DataDirLayout layout = DataDirLayout.open(config.dataDirs());
        StorageEngine engine = new StorageEngine(config, layout);
        try {
            engine.discover();
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        LOG.info("storage engine open on {}: {} collections", config.dataDirs(), engine.collections.size());
        return engine;
    }

    private void discover() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < layout.size(); i++) {
            for (String entry : layout.collectionEntries(i)) {
                if (CollectionConfig.isValidName(entry) && Files.isDirectory(layout.collectionDir(i, entry))) {
                    names.add(entry);
                } else {
                    LOG.warn("ignoring {}: not a collection directory", layout.collectionDir(i, entry));
                }
            }
        }
        for (String name : names) {
            if (!Files.exists(layout.homeDir(name).resolve(CollectionConfigFile.FILE_NAME))) {
                LOG.warn("removing the directories of collection '{}': left by an interrupted create or drop", name);
                deleteDirectories(name);
                continue;
            }
            CollectionConfig c = CollectionConfigFile.read(layout.homeDir(name));
            if (!c.name().equals(name)) {
                throw new IOException("corrupt " + layout.homeDir(name).resolve(CollectionConfigFile.FILE_NAME)
                        + ": it names collection '" + c.name() + "'");
            }
            checkPlacement(c);
            collections.put(name, openShards(c));
        }
    }

    /** Every data dir holds exactly what the spreading rule puts there, and the same config. */
    private void checkPlacement(CollectionConfig c) throws IOException {
        String name = c.name();
        int holders = layout.holderCount(c.shardCount());
        for (int i = 0; i < layout.size(); i++) {
            Path dir = layout.collectionDir(i, name);
            if (i >= holders) {
                if (Files.exists(dir)) {
                    throw new IllegalStateException("collection '" + name + "': " + dir + " should not exist, its "
                            + c.shardCount() + " shards live in the first " + holders + " data dirs");
                }
                continue;
            }
            Path file = dir.resolve(CollectionConfigFile.FILE_NAME);
            if (!Files.exists(file)) {
                throw new IllegalStateException("collection '" + name + "': " + file + " is missing; data dir " + i
                        + " holds shards of it");
            }
            if (!CollectionConfigFile.read(dir).equals(c)) {
                throw new IllegalStateException("collection '" + name + "': " + file + " differs from "
                        + layout.homeDir(name).resolve(CollectionConfigFile.FILE_NAME));
            }
            checkShardDirs(c, i, dir);
        }
    }

    private void checkShardDirs(CollectionConfig c, int dataDir, Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                OptionalInt shard = DataDirLayout.shardNumber(entry.getFileName().toString());
                if (shard.isEmpty()) {
                    continue;
                }
                int s = shard.getAsInt();
                if (s >= c.shardCount() || layout.dataDirOf(s) != dataDir) {
                    throw new IllegalStateException("collection '" + c.name() + "': " + entry + " is misplaced, "
                            + (s >= c.shardCount() ? "the collection has " + c.shardCount() + " shards"
                            : "shard " + s + " belongs in data dir " + layout.dataDirOf(s)));
                }
            }
        }
    }

    /** Sealed rows a shard holds before its first index is built; below it, exact scans are as fast. */
    public static final long INDEX_BUILD_THRESHOLD = 20_000;

    private Collection openShards(CollectionConfig c) throws IOException {
        List<Shard> shards = new ArrayList<>(c.shardCount());
        try {
            for (int s = 0; s < c.shardCount(); s++) {
                Path dir = layout.shardDir(c.name(), s);
                DurableFiles.createDirectories(dir);
                shards.add(Shard.open(new ShardConfig(dir, c.dimension(), c.metric(), config.walConfig(c),
                        c.bufferRows(), c.bufferBytes(), c.bufferAge(), c.indexPolicy(INDEX_BUILD_THRESHOLD),
                        config.budget(), config.guardedListener(), config.buildGate(), c.metadataIndexes())));
            }
        } catch (IOException | RuntimeException e) {
            try {
                Collection.closeShards(shards);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new Collection(c, shards, searchPool);
    }

    /**
     * Creates a collection with empty shards and returns it open. Fails without changing anything
     * when the name is taken; a failure part-way is rolled back (or, after a crash, removed at the
     * next open).
     */
    public Collection createCollection(CollectionConfig c) throws IOException {
        if (c == null) {
            throw new IllegalArgumentException("collection config is required");
        }
        synchronized (lifecycle) {
            ensureOpen();
            String name = c.name();
            awaitDrops(name);
            ensureOpen();
            if (collections.containsKey(name)) {
                throw new CollectionExistsException(name);
            }
            deleteDirectories(name);
            Collection collection;
            try {
                for (int i = layout.holderCount(c.shardCount()) - 1; i >= 0; i--) {
                    Path dir = layout.collectionDir(i, name);
                    DurableFiles.createDirectories(dir);
                    CollectionConfigFile.write(dir, c);
                }
                collection = openShards(c);
            } catch (IOException | RuntimeException e) {
                try {
                    deleteDirectories(name);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            collections.put(name, collection);
            LOG.info("created collection {}", c);
            return collection;
        }
    }

    /**
     * Declares a metadata index on an existing collection: records it in the collection's config
     * (so shards open with it), then adds it to every open shard, which builds it in the background
     * over sealed data. Returns the new config; adding an index that is already declared changes
     * nothing and returns the current one.
     */
    public CollectionConfig addMetadataIndex(String name, MetadataIndexSpec spec) throws IOException {
        if (spec == null) {
            throw new IllegalArgumentException("metadata index spec is required");
        }
        synchronized (lifecycle) {
            ensureOpen();
            Collection c = require(name);
            CollectionConfig current = c.config();
            CollectionConfig next = current.withMetadataIndex(spec);
            if (next == current) {
                return current;
            }
            for (int i = layout.holderCount(next.shardCount()) - 1; i >= 0; i--) {
                CollectionConfigFile.write(layout.collectionDir(i, name), next);
            }
            c.addMetadataIndex(next, spec);
            LOG.info("collection '{}': added metadata index {}", name, spec);
            return next;
        }
    }

    public Optional<Collection> collection(String name) {
        ensureOpen();
        return Optional.ofNullable(name == null ? null : collections.get(name));
    }

    /** The collection called {@code name}, or {@link CollectionNotFoundException}. */
    public Collection require(String name) {
        return collection(name).orElseThrow(() -> new CollectionNotFoundException(name));
    }

    /** Configs of every collection, by name. */
    public List<CollectionConfig> listCollections() {
        ensureOpen();
        return collections.values().stream().map(Collection::config).toList();
    }

    /**
     * Closes the collection's shards and deletes its directories on every data dir. Once its config
     * in data dir 0 is deleted (the first step) the drop is durable.
     */
    public void dropCollection(String name) throws IOException {
        Collection collection;
        synchronized (lifecycle) {
            ensureOpen();
            collection = collections.remove(name == null ? "" : name);
            if (collection == null) {
                throw new CollectionNotFoundException(name);
            }
            dropping.add(name);
        }
        // Closing waits for the shards' running index builds (a build over 1M rows takes tens of
        // seconds); that happens outside the lifecycle lock, so other collections can be created and
        // dropped meanwhile. Only a create of this same name waits for the drop to finish.
        try {
            try {
                collection.close("dropped");
            } finally {
                deleteDirectories(name);
            }
            LOG.info("dropped collection '{}'", name);
        } finally {
            synchronized (lifecycle) {
                dropping.remove(name);
                lifecycle.notifyAll();
            }
        }
    }

    /** Waits, holding the lifecycle lock, until no drop of {@code name} (or of any name, when null) is running. */
    private void awaitDrops(String name) {
        boolean interrupted = false;
        while (name == null ? !dropping.isEmpty() : dropping.contains(name)) {
            try {
                lifecycle.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Uncommits (config in data dir 0 first), then removes the directories of {@code name} everywhere. */
    private void deleteDirectories(String name) throws IOException {
        DurableFiles.delete(layout.homeDir(name).resolve(CollectionConfigFile.FILE_NAME));
        for (int i = layout.size() - 1; i >= 0; i--) {
            DurableFiles.deleteTree(layout.collectionDir(i, name));
        }
    }

    /** Sizes summed over every open shard, and the native memory budget's use. */
    public EngineStats stats() {
        ensureOpen();
        List<Collection> open = List.copyOf(collections.values());
        int shards = 0;
        long vectors = 0;
        long segments = 0;
        long bufferedRows = 0;
        long bufferBytes = 0;
        long mappedBytes = 0;
        long indexedRows = 0;
        List<EngineStats.MetadataIndexBytes> metadataIndexes = new ArrayList<>();
        for (Collection collection : open) {
            Map<MetadataIndexSpec, Long> bytes = new LinkedHashMap<>();
            for (Shard shard : collection.shards()) {
                for (MetadataIndexStats m : shard.metadataIndexStats()) {
                    bytes.merge(m.spec(), m.bytes(), Long::sum);
                }
                shards++;
                vectors += shard.count();
                segments += shard.segmentCount();
                bufferedRows += shard.bufferedRows();
                bufferBytes += shard.bufferBytes();
                mappedBytes += shard.mappedBytes();
                indexedRows += shard.indexedRows();
            }
            bytes.forEach((spec, b) -> metadataIndexes.add(new EngineStats.MetadataIndexBytes(collection.name(),
                    spec.field(), spec.kind().label(), b)));
        }
        NativeMemoryBudget budget = config.budget();
        return new EngineStats(open.size(), shards, vectors, segments, bufferedRows, bufferBytes, mappedBytes,
                indexedRows, budget.used(), budget.limit(), metadataIndexes);
    }

    /** The validated data directories, in placement order. */
    public List<Path> dataDirs() {
        return layout.dirs();
    }

    public EngineConfig config() {
        return config;
    }

    /** Closes every collection and releases the data dirs. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            awaitDrops(null);
            List<Collection> open = List.copyOf(collections.values());
            collections.clear();
            RuntimeException failure = null;
            for (Collection collection : open) {
                try {
                    collection.close("closed");
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            layout.close();
            searchPool.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("storage engine is closed");
        }
    }
}
