package org.vxdb.storage.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.index.spi.IndexFiles;
import org.vxdb.index.linear.LinearIndex;
import org.vxdb.service.io.FileTrees;
import org.vxdb.storage.backup.BufferRowsFile;
import org.vxdb.storage.backup.ShardSnapshot;
import org.vxdb.storage.backup.SnapshotFiles;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.manifest.Manifest;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.metaindex.MetadataIndexFile;
import org.vxdb.storage.metaindex.MetadataIndexSet;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.observe.GuardedStorageListener;
import org.vxdb.storage.observe.StorageListener;
import org.vxdb.storage.segment.Segment;
import org.vxdb.storage.segment.SegmentCorruptException;
import org.vxdb.storage.wal.WriteAheadLog;

/**
 * One shard: a write-ahead log, an off-heap memory buffer for the newest rows, and sealed,
 * memory-mapped segments. Every row gets a global row number (buffer rows keep theirs when sealed);
 * a row is visible when it is the newest version of its id and not a tombstone, which a bitmap of
 * dead rows answers without locks on the read path.
 *
 * <p>Writes are validated, made durable in the WAL (group commit), then applied under the write
 * lock, so an acknowledged write is visible to the next search. A write only takes effect when its
 * version is newer than the id's current version, which also makes WAL replay idempotent. Searches
 * take the read lock and scan the buffer and the sealed segments exactly; the index over sealed
 * data arrives with the index lifecycle.
 */
public final class Shard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Shard.class);
    static final int MAX_BATCH_ROWS = 100_000;
    /** Where backups' snapshots of this shard live while they are streamed. */
    static final String SNAPSHOTS_DIR = "snapshots";
    /** Where restores stage the files they receive. */
    static final String RESTORE_DIR = "restore";

    private final ShardConfig config;
    private final StorageListener listener;
    private final Path dir;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * id -> global row of its newest version (tombstones included), dead rows, live count, newest
     * version. Mutated under the write lock; replaced whole by a compaction.
     */
    private RowState state = new RowState();
    /** Ids that create-only writes in flight (logged, not yet applied) are creating. Guarded by the lock. */
    private final LongHashSet creating = new LongHashSet();
    /** Sealed segments in row order. Guarded by the lock. */
    private final List<SealedSegment> sealed = new ArrayList<>();
    private final List<String> quarantined = new ArrayList<>();
    private final TreeSet<Long> appliedAhead = new TreeSet<>();
    private long appliedPrefix;
    private MemoryBuffer buffer;
    private long bufferBase;
    /**
     * Buffers a seal froze, oldest first, rows {@code [frozen[0].base, bufferBase)}: searched like
     * the buffer until their segments are published. Guarded by the lock.
     */
    private final List<FrozenBuffer> frozen = new ArrayList<>();
    /**
     * Held while segments are written and published, during a compaction, and for every manifest
     * change, so those happen one at a time and outside the read/write lock. Taken before the lock.
     */
    private final ReentrantLock sealMutex = new ReentrantLock();
    /** Set while a compaction holds {@link #sealMutex}: writers then leave their frozen buffers to it. */
    private volatile boolean compacting;
    /** Written under {@link #sealMutex} (and during open); volatile for readers without it. */
    private volatile Manifest manifest;
    private WriteAheadLog wal;
    private boolean closed;
    /** Set when {@link #close} starts, before it waits for the indexer: queued index work is then skipped. */
    private volatile boolean closing;
    /** The last write's arrival ({@link System#nanoTime()}); Index work waits for a pause. */
    private volatile long lastWriteNanos = System.nanoTime() - (1L << 62);
    /** The last search's arrival, likewise: a shard being searched does not defer its index work. */
    private volatile long lastSearchNanos = System.nanoTime() - (1L << 62);
    private final VectorIndexProvider provider = VectorIndexProviders.get();
    /**
     * Index over sealed rows; replaced under the write lock (and published in a view), read by status
     * calls without it. Null: exact scans.
     */
    private volatile ShardIndex index;
    /** What searches read: the fields above, published as one immutable view at each change. */
    private final ShardViews views;
    private final ShardSearcher searcher;
    private final ShardRecords records;
    private final SegmentFiles segmentFiles;
    /** The background thread: index builds and catch-ups, compaction, metadata index builds. */
    private final ShardIndexer indexer;
    /** True until open() has replayed the WAL; index work waits for a consistent shard. */
    private boolean recovering = true;
    /** Declared metadata indexes: the config's, then those added since open. Replaced under the write lock. */
    private volatile List<MetadataIndexSpec> metaSpecs;
    /** Metadata indexes of the sealed segments. Guarded by the lock. */
    private final SegmentMetadataCatalog segmentMeta;
    /** The memory buffer's metadata indexes, grown row by row with it. Guarded by the lock. */
    private MetadataIndexSet bufferMeta;
    private boolean metaWorkQueued;

    private Shard(ShardConfig config) {
        this.config = config;
        this.metaSpecs = config.metadataIndexes();
        this.segmentMeta = new SegmentMetadataCatalog(config.dir(), config.budget());
        this.listener = GuardedStorageListener.guard(config.listener());
        this.dir = config.dir();
        this.views = new ShardViews(dir.toString());
        this.searcher = new ShardSearcher(config, listener, views, lock.readLock());
        this.records = new ShardRecords(views, lock.readLock(), dir.toString());
        this.segmentFiles = new SegmentFiles(config);
        this.indexer = new ShardIndexer(config, listener, provider, new IndexHost());
    }

    private boolean indexingEnabled() {
        if (config.index().isExact()) {
            return false;
        }
        return provider.name().equals("faiss");
    }

    /** Opens (or creates) the shard in {@code config.dir()}: loads sealed segments, replays the WAL. */
    public static Shard open(ShardConfig config) throws IOException {
        Shard shard = new Shard(config);
        try {
            shard.recover();
        } catch (IOException | RuntimeException e) {
            shard.close();
            throw e;
        }
        return shard;
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        removeLeftoverWork();
        manifest = Manifest.read(dir);
        removeOrphans();
        for (Manifest.SegmentEntry entry : manifest.segments()) {
            Path file = dir.resolve(entry.file());
            try {
                Segment segment = Segment.open(file);
                if (segment.count() != entry.rows() || segment.dimension() != config.dimension()) {
                    segment.close();
                    throw new SegmentCorruptException(file, "header", 0, "holds " + segment.count() + " rows of "
                            + segment.dimension() + "-d, the manifest says " + entry.rows() + " rows of "
                            + config.dimension() + "-d");
                }
                sealed.add(new SealedSegment(entry.baseRow(), segment, entry.file()));
            } catch (SegmentCorruptException e) {
                quarantine(file, e);
            }
        }
        if (!quarantined.isEmpty()) {
            for (Manifest.SegmentEntry entry : manifest.segments()) {
                if (quarantined.contains(entry.file())) {
                    for (long r = entry.baseRow(); r < entry.baseRow() + entry.rows(); r++) {
                        state.dead.set(r); // an index may still hold these rows; they must never be returned
                    }
                }
            }
            for (String file : quarantined) {
                manifest = manifest.withoutSegment(file);
            }
            manifest.write(dir);
        }
        bufferBase = manifest.nextRow();
        for (SealedSegment s : sealed) {
            trackSegment(state, s, row -> versionIn(sealed, row));
        }
        loadIndex();
        segmentMeta.load(sealed, !metaSpecs.isEmpty());
        buffer = newLiveBuffer();
        bufferMeta = MetadataIndexSet.growing(metaSpecs);
        publish();
        appliedPrefix = manifest.replayAfterLsn();
        wal = WriteAheadLog.open(dir.resolve("wal"), config.wal(), manifest.replayAfterLsn(), this::replay,
                listener);
        LOG.info("shard {} open: {} segments, {} buffered rows, {} live vectors, index {}{}", dir, sealed.size(),
                buffer.size(), state.liveRows, index == null ? "none" : config.index().description() + " over "
                        + index.coveredRows + " rows", quarantined.isEmpty() ? "" : ", quarantined " + quarantined);
        lock.writeLock().lock();
        try {
            recovering = false;
            scheduleIndexWork();
            scheduleMetadataIndexWork();
            if (index != null) {
                searcher.bootstrapCalibration(index);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Deletes the snapshots of backups and the staged files of restores that a stop interrupted:
     * they are the shard's scratch space and never part of its state.
     */
    private void removeLeftoverWork() throws IOException {
        for (String work : List.of(SNAPSHOTS_DIR, RESTORE_DIR)) {
            Path p = dir.resolve(work);
            if (Files.exists(p)) {
                LOG.warn("shard {}: removing {} left by an interrupted backup or restore", dir, p);
                FileTrees.deleteTree(p);
            }
        }
    }

    /**
     * Freezes the shard at a snapshot point for an online backup, without stopping writes for
     * longer than it takes to link a few files and copy the unsealed rows. Under the write lock (so
     * every acknowledged write is in, and no seal or compaction publishes meanwhile) it hard-links
     * every file the manifest lists (segments, their metadata index files, the vector index) into
     * {@code snapshots/<id>}, copies the rows of the frozen buffers and the memory buffer and takes
     * the digest; the manifest and a {@link BufferRowsFile} with those rows are written after the
     * lock is released. The caller owns the snapshot and closes it to delete the links.
     */
    public ShardSnapshot snapshot(String id, int buckets) throws IOException {
        BucketDigest.checkBuckets(buckets);
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("snapshot id '" + id + "' is invalid: use 1-64 of [A-Za-z0-9_-]");
        }
        Path target = dir.resolve(SNAPSHOTS_DIR).resolve(id);
        Files.createDirectories(target.getParent());
        Files.createDirectory(target);
        List<String> files = new ArrayList<>();
        List<ShardWrite> tail = new ArrayList<>();
        Manifest frozenManifest;
        List<BucketDigest> digest;
        long records;
        long live;
        long newest;
        long taken;
        boolean done = false;
        try {
            lock.writeLock().lock();
            try {
                ensureOpen();
                taken = System.currentTimeMillis();
                // The manifest as the shard uses it now: a seal writes its next manifest file before it
                // takes the lock, so the file on disk may already list a segment that is still frozen here.
                frozenManifest = manifest;
                for (Manifest.SegmentEntry entry : frozenManifest.segments()) {
                    files.add(entry.file());
                    String meta = MetadataIndexFile.nameFor(entry.file());
                    if (Files.exists(dir.resolve(meta))) {
                        files.add(meta);
                    }
                }
                if (frozenManifest.index() != null && Files.exists(dir.resolve(frozenManifest.index().file()))) {
                    files.add(frozenManifest.index().file());
                }
                for (String f : files) {
                    SnapshotFiles.link(dir.resolve(f), target.resolve(f));
                }
                // Every row not in a published segment: the frozen buffers (oldest first), then the buffer.
                long first = frozen.isEmpty() ? bufferBase : frozen.getFirst().base();
                for (long row = first; row < bufferBase + buffer.size(); row++) {
                    long rowId = idOf(row);
                    tail.add(isTombstoneRow(row) ? ShardWrite.delete(rowId, versionOf(row))
                            : ShardWrite.upsert(rowId, versionOf(row), vectorOf(row),
                            metadataOf(row).toArray(ValueLayout.JAVA_BYTE)));
                }
                digest = digest(buckets);
                records = state.idToRow.size();
                live = state.liveRows;
                newest = state.maxVersion;
            } finally {
                lock.writeLock().unlock();
            }
            frozenManifest.write(target);
            files.addFirst(Manifest.FILE_NAME);
            BufferRowsFile.write(target.resolve(BufferRowsFile.NAME), config.dimension(), tail);
            files.add(BufferRowsFile.NAME);
            done = true;
        } finally {
            if (!done) {
                FileTrees.deleteTree(target);
            }
        }
        return new ShardSnapshot(target, files, digest, records, live, newest, tail.size(), taken);
    }

    /**
     * A new, empty directory {@code restore/<id>} in the shard's directory, where a restore stages
     * the files it receives (same file system as the shard; removed at open if a stop interrupts it).
     */
    public Path restoreStagingDir(String id) throws IOException {
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("restore id '" + id + "' is invalid: use 1-64 of [A-Za-z0-9_-]");
        }
        ensureOpen();
        Path staging = dir.resolve(RESTORE_DIR).resolve(id);
        Files.createDirectories(staging.getParent());
        Files.createDirectory(staging);
        return staging;
    }

    /** The vector dimension of the shard's rows. */
    public int dimension() {
        return config.dimension();
    }

    /** Loads the persisted index (no retraining); a damaged or mismatched file is rebuilt later. */
    private void loadIndex() {
        Manifest.IndexEntry entry = manifest.index();
        if (entry == null) {
            return;
        }
        Path file = dir.resolve(entry.file());
        if (!indexingEnabled()) {
            LOG.warn("shard {}: not loading index {} ({} provider, policy {})", dir, file, provider.name(),
                    config.index().description());
            return;
        }
        boolean contiguous = sealed.stream().anyMatch(x -> x.end() == entry.rows()) || entry.rows() == 0;
        NativeMemoryBudget.Reservation reservation = null;
        try {
            reservation = config.budget().reserve(Files.size(file), "loading index " + file);
            VectorIndex loaded = provider.load(file);
            if (!contiguous || loaded.count() != entry.rows()) {
                loaded.close();
                throw new IllegalStateException("index holds " + loaded.count() + " rows, the manifest says "
                        + entry.rows() + " ending at a segment boundary");
            }
            index = ShardIndex.loaded(loaded, entry.rows(), entry.file(), reservation);
        } catch (IOException | RuntimeException e) {
            if (reservation != null) {
                reservation.close();
            }
            LOG.error("shard {}: cannot use index {} ({}); it will be rebuilt", dir, file, e.getMessage());
            indexer.failed(e.getMessage());
        }
    }

    /**
     * Deletes segment files the manifest does not list and temp files: what a crash between writing
     * a segment and recording it in the manifest leaves behind (its rows are still in the WAL).
     * Metadata index files of unlisted segments go too.
     */
    private void removeOrphans() throws IOException {
        Set<String> listed = new HashSet<>();
        manifest.segments().forEach(s -> listed.add(s.file()));
        Set<String> listedMeta = new HashSet<>();
        listed.forEach(f -> listedMeta.add(MetadataIndexFile.nameFor(f)));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                boolean orphanSegment = name.endsWith(SegmentFiles.SUFFIX) && !listed.contains(name);
                boolean orphanMeta = MetadataIndexFile.isIndexFile(name) && !listedMeta.contains(name);
                if (orphanSegment || orphanMeta || name.endsWith(".tmp")) {
                    LOG.warn("shard {}: removing {} left by an interrupted seal", dir, name);
                    Files.delete(p);
                }
            }
        }
    }

    private void quarantine(Path file, Exception cause) throws IOException {
        Path q = dir.resolve("quarantine");
        Files.createDirectories(q);
        if (Files.exists(file)) {
            Files.move(file, q.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        quarantined.add(file.getFileName().toString());
        LOG.error("quarantined segment {}: {}", file, cause.getMessage());
    }

    private void replay(long lsn, MemorySegment payload) {
        ShardRecordCodec.decode(payload, config.dimension(), this::applyRow);
        markApplied(lsn);
        writeFrozen(true); // a buffer filled during replay becomes a segment now, as it would have then
    }

    /** Validates, logs durably and applies a batch; returns once it is visible to searches. */
    public void write(List<ShardWrite> writes) throws IOException {
        write(writes, false);
    }

    /**
     * Validates, logs durably and applies a batch; returns once it is visible to searches. With
     * {@code ifAbsent} the batch is create-only: if any of its upserts names an id that is live (or
     * that another create-only write in flight is creating), the whole batch is rejected with
     * {@link IdsExistException} and nothing is written, not even to the WAL. Deleted ids may be
     * created again. Plain writes of an id being created are not blocked: the higher version wins.
     */
    public void write(List<ShardWrite> writes, boolean ifAbsent) throws IOException {
        if (!ifAbsent) {
            appendAndApply(validate(writes));
            return;
        }
        try (CreateReservation r = reserveCreate(writes)) {
            r.commit();
        }
    }

    /**
     * The first step of a create-only write that may span shards: validates the batch and reserves
     * its upserted ids on this shard (none may be live or being created), writing nothing yet.
     * {@link CreateReservation#commit} writes it; closing the reservation gives the ids back. A
     * collection reserves on every shard of a batch before it commits any, so that two create-only
     * batches sharing an id can never both be written, even in part.
     *
     * @throws IdsExistException naming the ids that exist or are being created
     */
    public CreateReservation reserveCreate(List<ShardWrite> writes) {
        List<ShardWrite> valid = validate(writes);
        return new CreateReservation(valid, reserveAbsent(valid));
    }

    /** Ids reserved for a create-only batch on this shard, until committed or closed. */
    public final class CreateReservation implements AutoCloseable {
        private final List<ShardWrite> valid;
        private final LongHashSet reserved;
        private boolean released;

        private CreateReservation(List<ShardWrite> valid, LongHashSet reserved) {
            this.valid = valid;
            this.reserved = reserved;
        }

        /** Logs durably and applies the reserved batch; the reservation holds until {@link #close}. */
        public void commit() throws IOException {
            appendAndApply(valid);
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                unreserve(reserved);
            }
        }
    }

    /**
     * Checks that no upserted id of the batch exists and reserves them all, under the write lock. The
     * reservation, not the lock, spans the WAL append: two create-only writes of one id can then
     * never both pass the check while neither has been applied yet.
     */
    private LongHashSet reserveAbsent(List<ShardWrite> batch) {
        LongHashSet ids = new LongHashSet();
        for (ShardWrite w : batch) {
            if (!w.isDelete()) {
                ids.add(w.id());
            }
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            List<Long> existing = existingIds(batch);
            if (!existing.isEmpty()) {
                throw new IdsExistException(existing);
            }
            creating.addAll(ids);
            return ids;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Upserted ids of the batch that are live or being created, in batch order, each once. */
    private List<Long> existingIds(List<ShardWrite> batch) {
        LongHashSet seen = new LongHashSet();
        List<Long> existing = new ArrayList<>();
        for (ShardWrite w : batch) {
            long id = w.id();
            if (!w.isDelete() && seen.add(id) && (isLive(id) || creating.contains(id))) {
                existing.add(id);
            }
        }
        return existing;
    }

    private boolean isLive(long id) {
        long row = state.idToRow.get(id);
        return row != -1 && !state.dead.get(row);
    }

    private void unreserve(LongHashSet reserved) {
        lock.writeLock().lock();
        try {
            creating.removeAll(reserved);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void appendAndApply(List<ShardWrite> valid) throws IOException {
        lastWriteNanos = System.nanoTime();
        long lsn;
        int frozeNow;
        int pending;
        byte[] payload = ShardRecordCodec.encode(valid, config.dimension());
        ensureOpen();
        lsn = wal.appendOwned(payload);
        lock.writeLock().lock();
        try {
            ensureOpen();
            int frozenBefore = frozen.size();
            RowState applyingTo = state; // searches without the lock see the batch as in progress meanwhile
            applyingTo.applyStarts(victims(valid));
            try {
                for (ShardWrite w : valid) {
                    MemorySegment vector = w.isDelete() ? null : MemorySegment.ofArray(w.vector());
                    MemorySegment meta = MemorySegment.ofArray(w.metadata());
                    applyRow(w.op(), w.id(), w.version(), vector, meta);
                }
            } finally {
                applyingTo.applyEnds();
            }
            markApplied(lsn);
            if (buffer.size() >= config.bufferRows() || buffer.bytes() >= config.bufferBytes()
                    || buffer.ageNanos() >= config.bufferAge().toNanos()) {
                freezeLocked();
            }
            frozeNow = frozen.size() - frozenBefore;
            pending = frozen.size();
        } finally {
            lock.writeLock().unlock();
        }
        if (frozeNow > 0 || pending > 2) {
            // Wait for our seal (or, when buffers pile up, for theirs), unless a compaction holds the seal
            // mutex: it seals what we froze when it is done.
            writeFrozen(!compacting || pending > 2);
        }
    }

    /**
     * The rows that applying {@code batch} may kill: the live newest row of each id it writes (a
     * superset: a write older than that row kills nothing, and announcing it only costs a search a
     * second look). Null when an id comes twice (its first new row dies within the batch, at a row
     * number not known yet). Under the write lock.
     */
    private long[] victims(List<ShardWrite> batch) {
        LongHashSet ids = new LongHashSet();
        LongArrayList rows = new LongArrayList();
        for (ShardWrite w : batch) {
            if (!ids.add(w.id())) {
                return null;
            }
            long prev = state.idToRow.get(w.id());
            if (prev != -1 && !state.dead.get(prev)) {
                rows.addLong(prev);
            }
        }
        return rows.toLongArray();
    }

    private List<ShardWrite> validate(List<ShardWrite> writes) {
        if (writes == null || writes.isEmpty()) {
            throw new IllegalArgumentException("write batch is empty");
        }
        if (writes.size() > MAX_BATCH_ROWS) {
            throw new IllegalArgumentException("write batch has " + writes.size() + " rows; at most " + MAX_BATCH_ROWS);
        }
        List<ShardWrite> out = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            ShardWrite w = writes.get(i);
            if (w.version() < 1) {
                throw new IllegalArgumentException("row " + i + " (id " + w.id() + "): version must be >= 1, got "
                        + w.version());
            }
            if (w.metadata().length > MetadataCodec.MAX_ENCODED_BYTES) {
                throw new IllegalArgumentException("row " + i + " (id " + w.id() + "): metadata is "
                        + w.metadata().length + " bytes; at most " + MetadataCodec.MAX_ENCODED_BYTES);
            }
            if (w.isDelete()) {
                out.add(w);
                continue;
            }
            float[] v = w.vector();
            if (v == null || v.length != config.dimension()) {
                throw new IllegalArgumentException("row " + i + " (id " + w.id() + "): vector has "
                        + (v == null ? 0 : v.length) + " dimensions, the collection has " + config.dimension());
            }
            for (int d = 0; d < v.length; d++) {
                if (!Float.isFinite(v[d])) {
                    throw new IllegalArgumentException("row " + i + " (id " + w.id() + "): component " + d
                            + " is not finite (" + v[d] + ")");
                }
            }
            if (config.metric() == Metric.COSINE) {
                float[] unit = v.clone();
                LinearIndex.normalize(unit);
                w = ShardWrite.upsert(w.id(), w.version(), unit, w.metadata());
            }
            out.add(w);
        }
        return out;
    }

    /** Applies one row (under the write lock, or during recovery). Stale versions are ignored. */
    private void applyRow(byte op, long id, long version, MemorySegment vector, MemorySegment metadata) {
        long prev = state.idToRow.get(id);
        if (prev != -1 && version <= versionOf(prev)) {
            return;
        }
        if (buffer.isFull()) {
            if (buffer.capacity() < config.bufferRows()) {
                growBufferLocked();
            } else {
                freezeLocked();
            }
        }
        boolean tombstone = op == ShardRecordCodec.OP_DELETE;
        if (tombstone) {
            state.dead.set(bufferBase + buffer.size()); // dead before it exists: no search sees it live
        }
        MemorySegment v = tombstone ? zeros() : vector;
        int local = buffer.append(id, version, tombstone ? MemoryBuffer.FLAG_TOMBSTONE : 0, v, 0,
                tombstone ? null : metadata);
        if (!tombstone) {
            MetadataIndexSet meta = bufferMeta;
            synchronized (meta) { // searches read the growing indexes holding it
                meta.add(local, metadata);
            }
        }
        track(id, version, tombstone, bufferBase + local);
    }

    /** Makes {@code row} the newest row of {@code id}, retiring the previous one. */
    private void track(long id, long version, boolean tombstone, long row) {
        state.track(id, version, tombstone, row, this::versionOf);
    }

    /** Tracks every row of a sealed segment into {@code rows}. */
    private static void trackSegment(RowState rows, SealedSegment s, LongUnaryOperator versionOf) {
        Segment seg = s.segment();
        for (long r = 0; r < seg.count(); r++) {
            rows.track(seg.id(r), seg.version(r), seg.isTombstone(r), s.base() + r, versionOf);
        }
    }

    private MemorySegment zerosCache;

    private MemorySegment zeros() {
        if (zerosCache == null) {
            zerosCache = MemorySegment.ofArray(new float[config.dimension()]);
        }
        return zerosCache;
    }

    private void markApplied(long lsn) {
        if (lsn <= appliedPrefix) {
            return;
        }
        appliedAhead.add(lsn);
        while (!appliedAhead.isEmpty() && appliedAhead.first() == appliedPrefix + 1) {
            appliedPrefix = appliedAhead.pollFirst();
        }
    }

    /** Seals the memory buffer into a segment now (no-op when it is empty); returns once it is published. */
    public void flush() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            freezeLocked();
        } finally {
            lock.writeLock().unlock();
        }
        writeFrozen(true);
    }

    /** Applies time-based triggers; call periodically. */
    public void maintain() {
        lock.writeLock().lock();
        try {
            if (!closed && buffer.size() > 0 && buffer.ageNanos() >= config.bufferAge().toNanos()) {
                freezeLocked();
            }
        } finally {
            lock.writeLock().unlock();
        }
        writeFrozen(!compacting);
    }

    /**
     * Takes the memory buffer out of service (under the write lock, or during open): a fresh buffer
     * takes the next rows and the frozen one stays searchable until {@link #writeFrozen} has made it
     * a segment. No file is written here, so searches and writes never wait for a segment write.
     */
    private void freezeLocked() {
        int rows = buffer.size();
        if (rows == 0) {
            return;
        }
        MemoryBuffer next = newLiveBuffer();
        frozen.add(new FrozenBuffer(bufferBase, buffer, bufferMeta, appliedPrefix));
        bufferBase += rows;
        buffer = next;
        bufferMeta = MetadataIndexSet.growing(metaSpecs);
        publish();
    }

    /**
     * Writes every frozen buffer into a segment, oldest first, and publishes it. The segment file,
     * its metadata indexes and the manifest are written holding only {@link #sealMutex}; the write
     * lock is taken just to swap the frozen buffer for the sealed segment. A failure leaves the
     * buffer frozen (searchable, its rows still in the WAL) for the next attempt.
     *
     * <p>With {@code wait} false, returns at once when another thread holds the mutex: a seal in
     * progress writes every buffer frozen meanwhile, and a compaction does once it has swapped.
     * Writers wait only when buffers pile up (backpressure) and flush always waits.
     */
    private void writeFrozen(boolean wait) {
        boolean block = wait;
        while (true) {
            if (block) {
                sealMutex.lock();
            } else if (!sealMutex.tryLock()) {
                return;
            }
            try {
                drainFrozen();
            } finally {
                sealMutex.unlock();
            }
            // A buffer frozen after the last look, whose writer found the mutex taken, is ours to write.
            if (frozenCount() == 0) {
                return;
            }
            block = false;
        }
    }

    /** Seals the frozen buffers, oldest first; the caller holds {@link #sealMutex}. */
    private void drainFrozen() {
        while (true) {
            FrozenBuffer f;
            lock.readLock().lock();
            try {
                if (closed || frozen.isEmpty()) {
                    return;
                }
                f = frozen.getFirst();
            } finally {
                lock.readLock().unlock();
            }
            seal(f);
        }
    }

    private int frozenCount() {
        lock.readLock().lock();
        try {
            return closed ? 0 : frozen.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void seal(FrozenBuffer f) {
        int rows = f.rows().size();
        long started = System.nanoTime();
        String name = SegmentFiles.name(manifest.generation() + 1, f.base());
        Path file = dir.resolve(name);
        Segment segment = null;
        try {
            segment = segmentFiles.write(name, f.rows(), rows);
            MetadataIndexSet meta;
            synchronized (f.meta()) { // searches of the frozen buffer read its indexes holding it
                meta = f.meta().freeze(rows);
            }
            segmentMeta.write(name, meta);
            Manifest next = manifest.withSegment(new Manifest.SegmentEntry(name, f.base(), rows), f.replayAfterLsn());
            next.write(dir);
            pause("seal");
            lock.writeLock().lock();
            try {
                manifest = next;
                sealed.add(new SealedSegment(f.base(), segment, name));
                segmentMeta.install(name, meta);
                frozen.removeFirst();
                publish(f.rows()); // closed once no search reads it
                scheduleIndexWork();
                if (!meta.covers(metaSpecs)) {
                    scheduleMetadataIndexWork(); // an index declared after this buffer froze
                }
            } finally {
                lock.writeLock().unlock();
            }
        } catch (IOException e) {
            if (segment != null) {
                segment.close();
            }
            throw new UncheckedIOException("cannot seal " + rows + " rows of shard " + dir + " into " + file + ": "
                    + e.getMessage(), e);
        }
        listener.segmentSealed(rows, System.nanoTime() - started);
        if (wal == null) {
            return; // sealing while the WAL replays at open: its files are released at the next seal
        }
        try {
            wal.releaseUpTo(manifest.replayAfterLsn());
        } catch (UncheckedIOException e) {
            LOG.warn("shard {}: cannot release WAL files up to LSN {}: {}", dir, manifest.replayAfterLsn(), e.getMessage());
        }
    }

    /** A test's hook into seal and compaction, run just before they publish; null in production. */
    private volatile Consumer<String> publishHook;

    /** Runs {@code hook} with "seal" or "compact" before each segment publication (tests hold a seal mid-way). */
    void publishHook(Consumer<String> hook) {
        publishHook = hook;
    }

    private void pause(String what) {
        Consumer<String> hook = publishHook;
        if (hook != null) {
            hook.accept(what);
        }
    }

    /** Queues one round of index work (build, rebuild or catch-up) unless one is already queued. */
    private void scheduleIndexWork() {
        if (indexingEnabled() && !closed && !recovering) {
            indexer.schedule();
        }
    }

    /** The shard as its {@link ShardIndexer} sees it. */
    private final class IndexHost implements ShardIndexer.Host {
        @Override
        public ShardIndexer.Sealed sealed() {
            lock.readLock().lock();
            try {
                return closed ? null : new ShardIndexer.Sealed(List.copyOf(sealed), index);
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void install(ShardIndex built, ShardIndex previous) {
            swapIndex(built, previous);
        }

        @Override
        public long lastWriteNanos() {
            return lastWriteNanos;
        }

        @Override
        public long lastSearchNanos() {
            return lastSearchNanos;
        }

        @Override
        public boolean closing() {
            return closing;
        }
    }

    private void swapIndex(ShardIndex built, ShardIndex previous) {
        sealMutex.lock();
        lock.writeLock().lock();
        try {
            if (closed) {
                built.close();
                return;
            }
            manifest = manifest.withIndex(new Manifest.IndexEntry(built.file, built.index.spec().description(),
                    built.persistedRows));
            manifest.write(dir);
            index = built;
            if (previous != null) {
                publish(previous); // closed once no search reads it
            } else {
                publish();
            }
            searcher.bootstrapCalibration(built);
            if (previous != null) {
                if (!previous.file.equals(built.file)) {
                    Files.deleteIfExists(dir.resolve(previous.file));
                }
            }
            scheduleIndexWork(); // segments sealed during the build
        } catch (IOException e) {
            built.close();
            throw new UncheckedIOException("cannot record the new index of shard " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
            sealMutex.unlock();
        }
    }

    /** Waits until queued index work has finished (for tests and orderly shutdown). */
    public void awaitIndexing() {
        indexer.awaitIdle();
    }

    /** Why the last index build, load or catch-up failed, or null when the last one succeeded. */
    public String indexError() {
        return indexer.lastError();
    }

    /** Rows the index covers (0 without an index). */
    public long indexedRows() {
        ShardIndex i = index;
        return i == null ? 0 : i.coveredRows;
    }

    /** Whether an index build or rebuild is running now, or waiting for a build slot. */
    public boolean indexBuilding() {
        return indexer.building();
    }

    /** Native memory the live index holds (0 without an index). */
    public long indexBytes() {
        ShardIndex i = index;
        return i == null ? 0 : i.bytes();
    }

    /** The description of the live index, or "none". */
    public String indexDescription() {
        ShardIndex i = index;
        return i == null ? "none" : i.index.spec().description();
    }

    /**
     * A fresh memory buffer for new rows: a sixteenth of {@code bufferRows} (at least 64 rows),
     * grown 4x at a time as rows come, so a shard that receives a trickle, or seals while another
     * buffer is still being written, does not hold two full-size buffers.
     */
    private MemoryBuffer newLiveBuffer() {
        int rows = Math.min(config.bufferRows(), Math.max(64, config.bufferRows() / 16));
        return segmentFiles.newBuffer(rows, "memory buffer of shard " + dir);
    }

    /** Moves the buffer's rows into one 4x larger (at most {@code bufferRows}); under the write lock. */
    private void growBufferLocked() {
        int capacity = (int) Math.min(config.bufferRows(), 4L * buffer.capacity());
        NativeMemoryBudget.Reservation reservation = config.budget().reserve(
                MemoryBuffer.bytesFor(config.dimension(), capacity), "memory buffer of shard " + dir);
        MemoryBuffer bigger;
        try {
            bigger = buffer.grown(capacity, reservation);
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
        MemoryBuffer old = buffer;
        buffer = bigger;
        publish(old); // closed once no search reads it
    }

    /**
     * Rewrites the sealed segments without superseded and deleted rows (the newest tombstone of an id
     * is kept, so a late older write still loses). Row numbers are reassigned, so the index is rebuilt
     * afterwards. Runs on the index thread, so no index work reads a segment while it is replaced;
     * holds the write lock while it rewrites. Returns the number of rows dropped.
     */
    public long compact() {
        try {
            return indexer.call(this::compactNow);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compacting shard " + dir, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private long compactNow() {
        long started = System.nanoTime();
        long dropped;
        sealMutex.lock();
        compacting = true;
        try {
            drainFrozen(); // publish what is frozen first: the rewrite covers every sealed row
            List<SealedSegment> old;
            lock.readLock().lock();
            try {
                ensureOpen();
                old = List.copyOf(sealed);
            } finally {
                lock.readLock().unlock();
            }
            // No segment is sealed until the swap (we hold the seal mutex), so `old` stays the sealed list.
            long[] newestTombstones = newestTombstones(old);
            long before = old.stream().mapToLong(x -> x.segment().count()).sum();
            List<SealedSegment> rewritten = segmentFiles.rewrite(old, state.dead, newestTombstones,
                    manifest.generation() + 1);
            Map<String, MetadataIndexSet> rewrittenMeta = buildMetadataIndexes(rewritten);
            long after = rewritten.stream().mapToLong(x -> x.segment().count()).sum();
            dropped = before - after;
            long newBase = rewritten.isEmpty() ? 0 : rewritten.getLast().end();
            RowState next = new RowState();
            for (SealedSegment s : rewritten) {
                trackSegment(next, s, row -> versionIn(rewritten, row));
            }
            Manifest nextManifest = new Manifest(manifest.generation() + 1, manifest.replayAfterLsn(), newBase,
                    rewritten.stream().map(x -> new Manifest.SegmentEntry(x.file(), x.base(), x.segment().count()))
                            .toList(), null);
            nextManifest.write(dir);
            pause("compact");
            ShardIndex oldIndex;
            long oldBufferBase;
            lock.writeLock().lock();
            try {
                manifest = nextManifest;
                // Renumber: sealed rows from the new segments, then the frozen buffers, then the buffer.
                sealed.clear();
                sealed.addAll(rewritten);
                long base = newBase;
                for (int i = 0; i < frozen.size(); i++) {
                    frozen.set(i, frozen.get(i).renumbered(base));
                    base += frozen.get(i).rows().size();
                }
                oldBufferBase = bufferBase;
                bufferBase = base;
                state = next;
                oldIndex = index;
                index = null;
                List<AutoCloseable> replaced = new ArrayList<>();
                if (oldIndex != null) {
                    replaced.add(oldIndex);
                }
                for (SealedSegment s : old) {
                    replaced.add(s.segment());
                    segmentMeta.drop(s.file());
                }
                rewrittenMeta.forEach(segmentMeta::installBuilt);
                // Rows written during the rewrite are newer than what it kept: tracked last, they win. They
                // are tracked before the view is published, so no search sees them half tracked.
                ShardView staged = newView();
                for (FrozenBuffer f : frozen) {
                    trackBuffer(next, staged, f.rows(), f.base());
                }
                trackBuffer(next, staged, buffer, bufferBase);
                views.publish(staged, replaced); // the old segments and index close once no search reads them
            } finally {
                lock.writeLock().unlock();
            }
            if (oldIndex != null) {
                Files.deleteIfExists(dir.resolve(oldIndex.file));
            }
            for (SealedSegment s : old) {
                Files.deleteIfExists(dir.resolve(s.file()));
            }
            IndexFiles.fsyncDirectory(dir);
            drainFrozen(); // buffers frozen during the rewrite, renumbered by the swap
            LOG.info("shard {}: compacted {} sealed rows into {} ({} dropped); buffer rows renumbered from {} to {}",
                    dir, before, after, dropped, oldBufferBase, bufferBase);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact shard " + dir + ": " + e.getMessage(), e);
        } finally {
            compacting = false;
            sealMutex.unlock();
        }
        writeFrozen(false); // frozen by a writer that saw the compaction still running
        listener.compacted(dropped, System.nanoTime() - started);
        indexer.work(); // a new index over the renumbered rows (we are on the index thread already)
        return dropped;
    }

    /** Tracks the rows of a buffer into {@code into}, whose earlier rows {@code layout} holds. */
    private static void trackBuffer(RowState into, ShardView layout, MemoryBuffer rows, long base) {
        for (int r = 0; r < rows.size(); r++) {
            into.track(rows.id(r), rows.version(r), rows.isTombstone(r), base + r, layout::versionOf);
        }
    }

    /**
     * The tombstone rows of {@code segments} that are the newest record of their id, sorted: kept
     * by compaction so a late older write still loses. Scans the flags without the lock (segments
     * are immutable); looks the candidates up under the read lock.
     */
    private long[] newestTombstones(List<SealedSegment> segments) {
        LongArrayList candidates = new LongArrayList();
        for (SealedSegment s : segments) {
            for (long r = 0; r < s.segment().count(); r++) {
                if (s.segment().isTombstone(r)) {
                    candidates.addLong(s.base() + r);
                }
            }
        }
        LongArrayList newest = new LongArrayList();
        lock.readLock().lock();
        try {
            for (int i = 0; i < candidates.size(); i++) {
                long row = candidates.getLong(i);
                if (state.idToRow.get(idOf(row)) == row) {
                    newest.addLong(row);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return newest.toLongArray();
    }

    private static long versionIn(List<SealedSegment> segments, long row) {
        SealedSegment s = ShardView.segmentOf(segments, row);
        return s.segment().version(row - s.base());
    }

    /** Builds and writes the declared metadata indexes of new segments (none declared: none built). */
    private Map<String, MetadataIndexSet> buildMetadataIndexes(List<SealedSegment> segments) {
        Map<String, MetadataIndexSet> out = new LinkedHashMap<>();
        List<MetadataIndexSpec> specs = metaSpecs;
        if (specs.isEmpty()) {
            return out;
        }
        for (SealedSegment s : segments) {
            long started = System.nanoTime();
            MetadataIndexSet set = MetadataIndexSet.build(specs, (int) s.segment().count(),
                    r -> s.segment().metadata(r));
            segmentMeta.write(s.file(), set);
            out.put(s.file(), set);
            listener.metadataIndexBuilt(describe(specs), s.segment().count(), System.nanoTime() - started);
        }
        return out;
    }

    private static String describe(List<MetadataIndexSpec> specs) {
        return String.join(",", specs.stream().map(MetadataIndexSpec::toString).toList());
    }

    /** Queues building the declared metadata indexes that sealed segments lack, unless already queued. */
    private void scheduleMetadataIndexWork() {
        if (metaWorkQueued || closed || recovering || metaSpecs.isEmpty()) {
            return;
        }
        metaWorkQueued = true;
        indexer.execute(this::metadataIndexWork);
    }

    /**
     * Runs on the indexer thread: builds the missing metadata indexes of each sealed segment from its
     * mapped metadata without holding the lock (segments are immutable, and compaction, which
     * replaces them, runs on this thread too), writes the segment's index file, then installs it.
     */
    private void metadataIndexWork() {
        List<SealedSegment> todo;
        List<MetadataIndexSpec> specs;
        lock.writeLock().lock();
        try {
            metaWorkQueued = false;
            if (closed) {
                return;
            }
            specs = metaSpecs;
            todo = segmentMeta.lacking(sealed, specs);
        } finally {
            lock.writeLock().unlock();
        }
        for (SealedSegment s : todo) {
            if (closing) {
                return;
            }
            try {
                buildSegmentMetadataIndexes(s, specs);
            } catch (RuntimeException e) {
                segmentMeta.failed("building the metadata indexes of " + s.file() + " failed: " + e);
            }
        }
    }

    private void buildSegmentMetadataIndexes(SealedSegment s, List<MetadataIndexSpec> specs) {
        MetadataIndexSet existing;
        lock.readLock().lock();
        try {
            existing = segmentMeta.get(s.file());
        } finally {
            lock.readLock().unlock();
        }
        List<MetadataIndexSpec> missing = specs.stream().filter(x -> existing == null || !existing.has(x)).toList();
        long started = System.nanoTime();
        MetadataIndexSet built = MetadataIndexSet.build(missing, (int) s.segment().count(),
                r -> s.segment().metadata(r));
        MetadataIndexSet merged = existing == null ? built : existing.with(built);
        segmentMeta.write(s.file(), merged);
        lock.writeLock().lock();
        try {
            if (closed || !sealed.contains(s)) {
                return;
            }
            segmentMeta.installBuilt(s.file(), merged);
            publish();
        } finally {
            lock.writeLock().unlock();
        }
        long nanos = System.nanoTime() - started;
        LOG.info("shard {}: built metadata indexes {} of {} ({} rows) in {} ms", dir, describe(missing), s.file(),
                s.segment().count(), nanos / 1_000_000);
        listener.metadataIndexBuilt(describe(missing), s.segment().count(), nanos);
    }

    /**
     * Declares a metadata index on this open shard: the memory buffer's is built at once (under the
     * write lock), the sealed segments' in the background; until a segment has it, filters on the
     * field read that segment's metadata. Returns false when it was already declared. The caller
     * records the declaration (the collection config) so the shard opens with it next time.
     */
    public boolean addMetadataIndex(MetadataIndexSpec spec) {
        Objects.requireNonNull(spec, "spec");
        lock.writeLock().lock();
        try {
            ensureOpen();
            if (metaSpecs.contains(spec)) {
                return false;
            }
            List<MetadataIndexSpec> next = new ArrayList<>(metaSpecs);
            next.add(spec);
            metaSpecs = MetadataIndexSpec.checkList(next);
            MemoryBuffer b = buffer;
            synchronized (bufferMeta) { // searches read the growing indexes holding it
                bufferMeta.addField(spec, b.size(), b::metadata);
            }
            scheduleMetadataIndexWork();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The declared metadata indexes. */
    public List<MetadataIndexSpec> metadataIndexes() {
        return metaSpecs;
    }

    /** Per declared metadata index: heap bytes and how many sealed segments have it so far. */
    public List<MetadataIndexStats> metadataIndexStats() {
        lock.readLock().lock();
        try {
            List<MetadataIndexStats> out = new ArrayList<>();
            for (MetadataIndexSpec spec : metaSpecs) {
                long bytes = bufferMeta == null ? 0 : bufferMeta.bytesBySpec().getOrDefault(spec, 0L);
                int indexed = 0;
                for (SealedSegment s : sealed) {
                    MetadataIndexSet m = segmentMeta.get(s.file());
                    Long b = m == null ? null : m.bytesBySpec().get(spec);
                    if (b != null) {
                        bytes += b;
                        indexed++;
                    }
                }
                out.add(new MetadataIndexStats(spec, bytes, indexed, sealed.size()));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Metadata index files loaded from disk since open (each avoided a rebuild). */
    public long metadataIndexFilesLoaded() {
        return segmentMeta.filesLoaded();
    }

    /** Segments whose metadata indexes were built (at seal time they come from the buffer and are not counted). */
    public long metadataIndexSegmentsBuilt() {
        return segmentMeta.segmentsBuilt();
    }

    /** Why the last metadata index load, build or write failed, or null. */
    public String metadataIndexError() {
        return segmentMeta.lastError();
    }

    /** The newest version of {@code id}, if it exists and is not deleted. */
    public Optional<StoredVector> get(long id) {
        return records.get(id);
    }

    /** {@link ShardRecords#digest}. */
    public List<BucketDigest> digest(int buckets) {
        return records.digest(buckets);
    }

    /** {@link ShardRecords#streamRecords}. */
    public void streamRecords(int buckets, IntPredicate bucketFilter, int batchRows,
                              Consumer<List<ShardWrite>> sink) {
        records.streamRecords(buckets, bucketFilter, batchRows, sink);
    }

    /** {@link ShardRecords#newestRecords}. */
    public List<ShardWrite> newestRecords(long[] ids) {
        return records.newestRecords(ids);
    }

    /** {@link #search(float[], int, Filter, SearchParams)} with the index's default parameters. */
    public SearchOutcome search(float[] query, int k, Filter filter) {
        return search(query, k, filter, SearchParams.DEFAULT);
    }

    /** {@link #search(float[], int, Filter, SearchParams, double)} without a recall target. */
    public SearchOutcome search(float[] query, int k, Filter filter, SearchParams params) {
        return search(query, k, filter, params, 0);
    }

    /**
     * Top-k over the buffer (exact scan) and the sealed segments (the index where it covers them,
     * exact scan beyond), skipping dead rows and rows the filter rejects, read from the current
     * {@link ShardView} without the shard's lock: {@link ShardSearcher#search}.
     */
    public SearchOutcome search(float[] query, int k, Filter filter, SearchParams params, double recallTarget) {
        SearchOutcome outcome = searcher.search(query, k, filter, params, recallTarget);
        lastSearchNanos = System.nanoTime(); // index work waiting for a pause in the writes goes ahead now
        return outcome;
    }

    /** Calibration samples from served queries the live index has. */
    int servedCalibrationSamples() {
        return searcher.servedCalibrationSamples();
    }

    /** Calibration samples the live index has (tests wait for the bootstrap with it). */
    int calibrationSamples() {
        return searcher.calibrationSamples();
    }

    /** Post-filter tries and successes of filters shaped as {@code filter} (tests). */
    int[] postFilterCounts(Filter filter) {
        return searcher.postFilterCounts(filter);
    }

    /** Turns the post-filter plan on or off (tests compare it with the allowed-ids plan). */
    void postFilter(boolean enabled) {
        searcher.postFilter(enabled);
    }

    /** The most filtered calibration samples a kind of filter shaped as {@code filter} has (tests). */
    int filterCalibrationSamples(Filter filter) {
        return searcher.filterCalibrationSamples(filter);
    }

    /** Searches that took the read lock because writes kept changing what their lock-free tries read. */
    public long lockedSearches() {
        return searcher.lockedSearches();
    }

    /** Objects that publications of new views dropped and that were closed since (tests). */
    long viewDropsClosed() {
        return views.closedCount();
    }

    /** The current view, with a reference the caller gives back with {@link #releaseView} (tests). */
    ShardView acquireView() {
        return views.acquire();
    }

    void releaseView(ShardView view) {
        views.release(view);
    }

    /** Runs {@code body} holding the shard's write lock, as a write or a seal's publication does (tests). */
    void underWriteLock(Runnable body) {
        lock.writeLock().lock();
        try {
            body.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Live (non-deleted, newest-version) vectors. */
    public long count() {
        lock.readLock().lock();
        try {
            return state.liveRows;
        } finally {
            lock.readLock().unlock();
        }
    }

    public int segmentCount() {
        lock.readLock().lock();
        try {
            return sealed.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Rows not in a published segment yet: the memory buffer's and those of buffers being sealed. */
    public int bufferedRows() {
        lock.readLock().lock();
        try {
            int rows = buffer.size();
            for (FrozenBuffer f : frozen) {
                rows += f.rows().size();
            }
            return rows;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Highest version of any record the shard holds, tombstones included; 0 when it holds none. */
    public long maxVersion() {
        lock.readLock().lock();
        try {
            return state.maxVersion;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Bytes the buffered rows take: vector, id, version and flag of each row plus its metadata
     * ({@code rows x (4 x dimension + 17) + metadata bytes}). The buffer's native allocation is larger:
     * it is made up front for {@code bufferRows} rows.
     */
    public long bufferBytes() {
        lock.readLock().lock();
        try {
            long bytes = buffer.bytes();
            for (FrozenBuffer f : frozen) {
                bytes += f.rows().bytes();
            }
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sum of the sizes of the sealed segment files currently mapped (page cache, not the memory budget). */
    public long mappedBytes() {
        lock.readLock().lock();
        try {
            long bytes = 0;
            for (SealedSegment s : sealed) {
                bytes += s.segment().mappedBytes();
            }
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Segment files moved aside at open because they failed their checksums. */
    public List<String> quarantined() {
        return List.copyOf(quarantined);
    }

    public IndexSpec exactSpec() {
        return IndexSpec.flat(config.dimension(), config.metric());
    }

    // Rows by global number, through the current view (the caller holds the lock, or the shard is opening).

    private long idOf(long row) {
        return views.current().idOf(row);
    }

    private long versionOf(long row) {
        return views.current().versionOf(row);
    }

    private boolean isTombstoneRow(long row) {
        return views.current().isTombstoneRow(row);
    }

    private MemorySegment metadataOf(long row) {
        return views.current().metadataOf(row);
    }

    private float[] vectorOf(long row) {
        return views.current().vectorOf(row);
    }

    /** A view of the fields as they are now (under the write lock, or during open). */
    private ShardView newView() {
        return new ShardView(sealed, frozen, buffer, bufferBase, bufferMeta, segmentMeta.snapshot(), state, index,
                config.dimension());
    }

    /**
     * Publishes the fields as the view searches read (under the write lock, or during open);
     * {@code dropped} are what the previous view had and this one does not, closed once no search
     * holds a view that may read them.
     */
    private void publish(AutoCloseable... dropped) {
        views.publish(newView(), List.of(dropped));
    }

    /** Saves an index that caught up with segments sealed after it was last written. */
    private void persistGrownIndex() {
        ShardIndex i = index;
        if (i == null || i.coveredRows == i.persistedRows || manifest == null) {
            return;
        }
        try {
            i.save(dir);
            manifest = manifest.withIndex(new Manifest.IndexEntry(i.file, i.index.spec().description(),
                    i.persistedRows));
            manifest.write(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("shard {}: could not save the grown index ({}); it will catch up again at open", dir,
                    e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("shard " + dir + " is closed");
        }
    }

    /** Finishes index work, syncs the WAL and releases every mapping, index and off-heap buffer. */
    @Override
    public void close() {
        closing = true;
        indexer.shutdown();
        sealMutex.lock(); // a seal in progress finishes first; frozen rows not yet sealed are in the WAL
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            persistGrownIndex();
            segmentMeta.close();
            if (wal != null) {
                wal.close();
            }
            // Everything the views read; closed now, or by the last search still reading the current view.
            List<AutoCloseable> held = new ArrayList<>();
            if (index != null) {
                held.add(index);
                index = null;
            }
            for (SealedSegment s : sealed) {
                held.add(s.segment());
            }
            sealed.clear();
            if (buffer != null) {
                held.add(buffer);
            }
            for (FrozenBuffer f : frozen) {
                held.add(f.rows());
            }
            frozen.clear();
            if (views.current() != null) {
                views.publish(null, held);
            } else {
                ShardViews.closeAll(dir.toString(), held); // failed before its first view: nothing else reads them
            }
        } finally {
            lock.writeLock().unlock();
            sealMutex.unlock();
        }
    }
}
