package org.vxdb.storage.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where collections and shards live across the data directories of one engine. Shard {@code s} of
 * collection {@code c} lives in {@code dataDirs[s % n]/collections/c/shard-s}; the data dirs that
 * hold at least one shard of {@code c} (the first {@code min(n, shardCount)}) are its
 * <em>holders</em>, and each has {@code c}'s {@code collection.properties}. Data dir 0 holds shard
 * 0 of every collection and is its <em>home</em>: a collection exists exactly when its config is in
 * its home.
 *
 * <p>Because placement is by position, each data dir carries a marker recording its position, the
 * number of data dirs and an engine id; opening with the dirs reordered, added or removed fails
 * rather than opening shards in the wrong place as empty. Each data dir is locked
 * ({@code engine.lock}) while an engine has it open.
 */
final class DataDirLayout implements AutoCloseable {

    static final String COLLECTIONS_DIR = "collections";
    static final String MARKER_FILE = "vxdb-data-dir.properties";
    static final String LOCK_FILE = "engine.lock";
    static final String SHARD_DIR_PREFIX = "shard-";
    static final int HOME = 0;

    /**
     * Data dirs locked by this JVM. Checked before a lock file is opened because closing any
     * channel to a file may release every lock the process holds on it (see {@link FileLock}).
     */
    private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final List<Path> dirs;
    private final List<Path> lockedDirs = new ArrayList<>();
    private final List<FileChannel> locks = new ArrayList<>();

    private DataDirLayout(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /** Locks every data dir and checks (or, for a new engine, writes) the position markers. */
    static DataDirLayout open(List<Path> dirs) throws IOException {
        DataDirLayout layout = new DataDirLayout(dirs);
        try {
            for (Path dir : dirs) {
                layout.lock(dir);
            }
            layout.checkMarkers();
        } catch (IOException | RuntimeException e) {
            layout.close();
            throw e;
        }
        return layout;
    }

    int size() {
        return dirs.size();
    }

    List<Path> dirs() {
        return dirs;
    }

    int dataDirOf(int shard) {
        return shard % dirs.size();
    }

    /** Data dirs {@code 0 .. holderCount - 1} hold the shards of a collection with this many. */
    int holderCount(int shardCount) {
        return Math.min(dirs.size(), shardCount);
    }

    Path collectionsDir(int dataDir) {
        return dirs.get(dataDir).resolve(COLLECTIONS_DIR);
    }

    Path collectionDir(int dataDir, String name) {
        return collectionsDir(dataDir).resolve(name);
    }

    Path homeDir(String name) {
        return collectionDir(HOME, name);
    }

    Path shardDir(String name, int shard) {
        return collectionDir(dataDirOf(shard), name).resolve(SHARD_DIR_PREFIX + shard);
    }

    /** The shard number of a directory named {@code shard-<s>}, if it is one. */
    static OptionalInt shardNumber(String fileName) {
        if (!fileName.startsWith(SHARD_DIR_PREFIX)) {
            return OptionalInt.empty();
        }
        String digits = fileName.substring(SHARD_DIR_PREFIX.length());
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(digits));
    }

    /** Names of the entries of {@code dataDirs[i]/collections}, sorted; none if it does not exist. */
    List<String> collectionEntries(int dataDir) throws IOException {
        Path dir = collectionsDir(dataDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void lock(Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!LOCKED_IN_THIS_JVM.add(real)) {
            throw inUse(dir);
        }
        lockedDirs.add(real);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw inUse(dir);
        }
        locks.add(channel);
    }

    private static IllegalStateException inUse(Path dir) {
        return new IllegalStateException("data dir " + dir + " is in use by another StorageEngine");
    }

    /**
     * Accepts markers that match the configured dirs. Without any collection there is nothing to
     * misplace, so missing or different markers are (re)written instead of refused.
     */
    private void checkMarkers() throws IOException {
        List<Map<String, String>> markers = new ArrayList<>();
        boolean holdsCollections = false;
        for (int i = 0; i < dirs.size(); i++) {
            Path marker = dirs.get(i).resolve(MARKER_FILE);
            markers.add(Files.exists(marker) ? PropertiesFile.read(marker) : null);
            holdsCollections |= !collectionEntries(i).isEmpty();
        }
        String problem = markerProblem(markers);
        if (problem == null) {
            return;
        }
        if (holdsCollections) {
            throw new IllegalStateException("dataDirs: " + problem);
        }
        writeMarkers();
    }

    private String markerProblem(List<Map<String, String>> markers) {
        String engineId = markers.get(0) == null ? null : markers.get(0).get("engine");
        for (int i = 0; i < dirs.size(); i++) {
            Path dir = dirs.get(i);
            Map<String, String> marker = markers.get(i);
            if (marker == null) {
                return dir + " has no " + MARKER_FILE + " but the engine holds collections: data dirs cannot be"
                        + " added to or removed from an engine";
            }
            String id = marker.get("engine");
            if (engineId == null || !engineId.equals(id)) {
                return dir + " belongs to engine " + id + ", but " + dirs.get(0) + " belongs to engine " + engineId;
            }
            String expected = i + " of " + dirs.size();
            String recorded = marker.get("position") + " of " + marker.get("count");
            if (!recorded.equals(expected)) {
                return dir + " was data dir " + recorded + ", now it is " + expected
                        + "; shards are placed by position, so list the data dirs as before";
            }
        }
        return null;
    }

    private void writeMarkers() throws IOException {
        String id = UUID.randomUUID().toString();
        for (int i = 0; i < dirs.size(); i++) {
            Map<String, String> marker = new LinkedHashMap<>();
            marker.put("format", "1");
            marker.put("engine", id);
            marker.put("position", Integer.toString(i));
            marker.put("count", Integer.toString(dirs.size()));
            PropertiesFile.write(dirs.get(i).resolve(MARKER_FILE), "VxDB data dir marker", marker);
        }
    }

    @Override
    public void close() {
        for (FileChannel channel : locks) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the lock; a failure leaves nothing to retry.
            }
        }
        locks.clear();
        lockedDirs.forEach(LOCKED_IN_THIS_JVM::remove);
        lockedDirs.clear();
    }
}
