package org.vxdb.storage.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.LoggerFactory;
import org.vxdb.api.IdHashing;
import org.vxdb.index.IndexArguments;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.IndexType;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.spi.IndexFiles;
import org.vxdb.index.kernel.VectorKernels;
import org.vxdb.index.linear.LinearIndex;
import org.vxdb.index.faiss.FaissVectorIndex;
import org.vxdb.index.linear.TopK;
import org.vxdb.service.io.FileTrees;
import org.vxdb.storage.backup.BufferRowsFile;
import org.vxdb.storage.backup.ShardSnapshot;
import org.vxdb.storage.backup.SnapshotFiles;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.manifest.Manifest;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.metaindex.FilterEvaluator;
import org.vxdb.storage.metaindex.MetadataIndexFile;
import org.vxdb.storage.metaindex.MetadataIndexSet;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.observe.GuardedStorageListener;
import org.vxdb.storage.observe.StorageListener;
import org.vxdb.storage.segment.Segment;
import org.vxdb.storage.segment.SegmentCorruptException;
import org.vxdb.storage.segment.SegmentData;
import org.vxdb.storage.segment.SegmentWriter;
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
    private static final int MAX_BATCH_ROWS = 100_000;
    private static final String SEGMENT_SUFFIX = ".vxs";
    /** Where backups' snapshots of this shard live while they are streamed. */
    static final String SNAPSHOTS_DIR = "snapshots";
    /** Where restores stage the files they receive. */
    static final String RESTORE_DIR = "restore";

    private final ShardConfig config;
    private final StorageListener listener;
    private final Path dir;
    private final long rowBytes;
    private final VectorKernels kernels = Kernels.best();
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
    /** Highest version of any row tracked; recomputed with the row state, so it survives restarts. */
    private boolean closed;
    /** Set when {@link #close} starts, before it waits for the indexer: queued index work is then skipped. */
    private volatile boolean closing;
    /** The last write's arrival ({@link System#nanoTime()}); Index work waits for a pause. */
    private volatile long lastWriteNanos = System.nanoTime() - (1L << 62);
    /** The last search's arrival, likewise: a shard being searched does not defer its index work. */
    private volatile long lastSearchNanos = System.nanoTime() - (1L << 62);
    private final VectorIndexProvider provider = VectorIndexProviders.get();
    private final RecallCalibrator calibration = new RecallCalibrator();
    private final FilterCalibrator filterCalibration = new FilterCalibrator();
    /** Whether broad IVF filters may try the post-filter plan (tests turn it off to compare). */
    private volatile boolean postFilter = true;
    /**
     * Index over sealed rows; replaced under the write lock, read by searches under the read lock
     * and by status calls without it. Null: exact scans.
     */
    private volatile ShardIndex index;
    private final ExecutorService indexer;
    private boolean indexWorkQueued;
    /** True until open() has replayed the WAL; index work waits for a consistent shard. */
    private boolean recovering = true;
    private volatile String lastIndexError;
    /**
     * True while the indexer builds or rebuilds the index, or waits for a build slot to do so (a
     * previous index keeps serving meanwhile).
     */
    private volatile boolean indexBuilding;
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
        this.rowBytes = (long) config.dimension() * Float.BYTES;
        this.indexer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vxdb-index-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
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
            trackSegment(state, s, this::versionOf);
        }
        loadIndex();
        segmentMeta.load(sealed, !metaSpecs.isEmpty());
        buffer = newLiveBuffer();
        bufferMeta = MetadataIndexSet.growing(metaSpecs);
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
                bootstrapCalibration(index);
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
            lastIndexError = e.getMessage();
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
                boolean orphanSegment = name.endsWith(SEGMENT_SUFFIX) && !listed.contains(name);
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
            for (ShardWrite w : valid) {
                MemorySegment vector = w.isDelete() ? null : MemorySegment.ofArray(w.vector());
                MemorySegment meta = MemorySegment.ofArray(w.metadata());
                applyRow(w.op(), w.id(), w.version(), vector, meta);
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
        MemorySegment v = tombstone ? zeros() : vector;
        int local = buffer.append(id, version, tombstone ? MemoryBuffer.FLAG_TOMBSTONE : 0, v, 0,
                tombstone ? null : metadata);
        if (!tombstone) {
            bufferMeta.add(local, metadata);
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
        String name = segmentName(manifest.generation() + 1, f.base());
        Path file = dir.resolve(name);
        Segment segment = null;
        try (Arena arena = Arena.ofConfined()) {
            MemoryBuffer.Columns c = f.rows().columns(rows, arena);
            SegmentWriter.write(file, new SegmentData(config.dimension(), config.metric(), rows, c.vectors(), c.ids(),
                    c.versions(), c.flags(), c.metadata(), c.metadataOffsets()));
            segment = Segment.open(file);
            MetadataIndexSet meta = f.meta().freeze(rows);
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
        f.rows().close(); // no search can hold it: they read it under the read lock, and it is gone from the list
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
        if (!indexingEnabled() || indexWorkQueued || closed || recovering) {
            return;
        }
        indexWorkQueued = true;
        indexer.execute(this::indexWork);
    }

    /**
     * Runs on the indexer thread. Builds (or rebuilds) the index from a snapshot of the sealed
     * segments without holding the shard lock, then swaps it in atomically; or adds newly sealed
     * segments to the current index. Searches keep running throughout.
     */
    private void indexWork() {
        // While a write stream keeps coming, training and adding rows would take its CPUs: wait for a pause
        // (bounded; not while searches need the index). Segments sealed meanwhile join this round's snapshot;
        // a closing shard stops waiting.
        if (!config.builds().awaitQuiet(() -> lastWriteNanos, () -> lastSearchNanos, () -> closing)) {
            return;
        }
        List<SealedSegment> snapshot;
        ShardIndex current;
        long sealedRows;
        lock.writeLock().lock();
        try {
            indexWorkQueued = false;
            if (closed) {
                return;
            }
            snapshot = List.copyOf(sealed);
            current = index;
            sealedRows = snapshot.stream().mapToLong(x -> x.segment().count()).sum();
        } finally {
            lock.writeLock().unlock();
        }
        boolean rebuild = current == null || sealedRows >= config.index().rebuildFactor() * current.trainedRows;
        if (rebuild && sealedRows < config.index().buildThreshold()) {
            return;
        }
        // A build waiting for its turn counts as building: it will run as soon as a slot is free.
        indexBuilding = rebuild;
        try {
            buildOrExtendIndex(snapshot, current, rebuild);
        } finally {
            indexBuilding = false;
        }
    }

    private void buildOrExtendIndex(List<SealedSegment> snapshot, ShardIndex current, boolean rebuild) {
        // A closing shard stops waiting for its turn: the rows stay sealed and are indexed when it opens again.
        if (!config.builds().enter(() -> closing)) {
            return;
        }
        try {
            if (rebuild) {
                long started = System.nanoTime();
                String file = "index-" + (snapshot.isEmpty() ? 0 : snapshot.getLast().end()) + ".vxi";
                ShardIndex built = ShardIndex.build(provider, config.index(), config.dimension(), config.metric(),
                        snapshot, file, config.budget());
                built.save(dir);
                swapIndex(built, current);
                long nanos = System.nanoTime() - started;
                LOG.info("shard {}: built {} over {} rows in {} ms", dir, built.index.spec().description(),
                        built.coveredRows, nanos / 1_000_000);
                listener.indexBuilt(built.index.spec().description(), built.coveredRows, nanos);
            } else {
                current.addSegments(snapshot);
            }
            lastIndexError = null;
        } catch (RuntimeException e) {
            lastIndexError = e.getMessage();
            LOG.error("shard {}: index work failed: {}", dir, e.toString());
            listener.indexBuildFailed(e.toString());
        } finally {
            config.builds().leave();
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
            bootstrapCalibration(built);
            if (previous != null) {
                previous.close();
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
        try {
            indexer.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Why the last index build, load or catch-up failed, or null when the last one succeeded. */
    public String indexError() {
        return lastIndexError;
    }

    /** Rows the index covers (0 without an index). */
    public long indexedRows() {
        ShardIndex i = index;
        return i == null ? 0 : i.coveredRows;
    }

    /** Whether an index build or rebuild is running now, or waiting for a build slot. */
    public boolean indexBuilding() {
        return indexBuilding;
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
        return newBuffer(rows, "memory buffer of shard " + dir);
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
        buffer.close();
        buffer = bigger;
    }

    /** A memory buffer whose native memory is reserved from the budget first. */
    private MemoryBuffer newBuffer(int rows, String what) {
        NativeMemoryBudget.Reservation reservation =
                config.budget().reserve(MemoryBuffer.bytesFor(config.dimension(), rows), what);
        try {
            return new MemoryBuffer(config.dimension(), rows, reservation);
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
    }

    /** Segment file names carry the manifest generation, so a compaction never reuses a name. */
    private static String segmentName(long generation, long base) {
        return String.format("seg-%08d-%016d", generation, base) + SEGMENT_SUFFIX;
    }

    /**
     * Rewrites the sealed segments without superseded and deleted rows (the newest tombstone of an id
     * is kept, so a late older write still loses). Row numbers are reassigned, so the index is rebuilt
     * afterwards. Runs on the index thread, so no index work reads a segment while it is replaced;
     * holds the write lock while it rewrites. Returns the number of rows dropped.
     */
    public long compact() {
        try {
            return indexer.submit(this::compactNow).get();
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
            List<SealedSegment> rewritten = rewriteSealed(old, newestTombstones);
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
                // Rows written during the rewrite are newer than what it kept: tracked last, they win.
                state = next;
                for (FrozenBuffer f : frozen) {
                    trackBuffer(f.rows(), f.base());
                }
                trackBuffer(buffer, bufferBase);
                oldIndex = index;
                index = null;
                if (oldIndex != null) {
                    oldIndex.close();
                }
                for (SealedSegment s : old) {
                    s.segment().close();
                    segmentMeta.drop(s.file());
                }
                rewrittenMeta.forEach(segmentMeta::installBuilt);
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
        indexWork(); // a new index over the renumbered rows (we are on the index thread already)
        return dropped;
    }

    private void trackBuffer(MemoryBuffer rows, long base) {
        for (int r = 0; r < rows.size(); r++) {
            track(rows.id(r), rows.version(r), rows.isTombstone(r), base + r);
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
        SealedSegment s = segmentOf(segments, row);
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
            bufferMeta.addField(spec, b.size(), b::metadata);
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

    /**
     * Writes the rows of {@code segments} that are live now or newest tombstones into new segments
     * numbered from 0, without any lock. A row that dies while this runs is kept; the row that
     * superseded it is newer, so the swap's row state marks it dead again.
     */
    private List<SealedSegment> rewriteSealed(List<SealedSegment> segments, long[] newestTombstones)
            throws IOException {
        RowBitmap dead = state.dead;
        List<SealedSegment> out = new ArrayList<>();
        int per = config.bufferRows();
        long generation = manifest.generation() + 1;
        try (Arena arena = Arena.ofConfined()) {
            MemoryBuffer staging = null;
            long base = 0;
            try {
                for (SealedSegment s : segments) {
                    for (long r = 0; r < s.segment().count(); r++) {
                        long row = s.base() + r;
                        boolean tombstone = s.segment().isTombstone(r);
                        boolean keep = tombstone ? Arrays.binarySearch(newestTombstones, row) >= 0 : !dead.get(row);
                        if (!keep) {
                            continue; // superseded or deleted
                        }
                        if (staging == null) {
                            staging = newBuffer(per, "compaction of shard " + dir);
                        }
                        staging.append(s.segment().id(r), s.segment().version(r),
                                tombstone ? MemoryBuffer.FLAG_TOMBSTONE : 0, s.segment().vectors(), r * rowBytes,
                                tombstone ? null : s.segment().metadata(r));
                        if (staging.isFull()) {
                            out.add(writeSegment(staging, generation, base, arena));
                            base += staging.size();
                            staging.close();
                            staging = null;
                        }
                    }
                }
                if (staging != null && staging.size() > 0) {
                    out.add(writeSegment(staging, generation, base, arena));
                }
            } finally {
                if (staging != null) {
                    staging.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            for (SealedSegment s : out) {
                s.segment().close();
                Files.deleteIfExists(dir.resolve(s.file()));
            }
            throw e;
        }
        return out;
    }

    private SealedSegment writeSegment(MemoryBuffer rows, long generation, long base, Arena arena) throws IOException {
        String name = segmentName(generation, base);
        Path file = dir.resolve(name);
        MemoryBuffer.Columns c = rows.columns(rows.size(), arena);
        SegmentWriter.write(file, new SegmentData(config.dimension(), config.metric(), rows.size(), c.vectors(), c.ids(),
                c.versions(), c.flags(), c.metadata(), c.metadataOffsets()));
        return new SealedSegment(base, Segment.open(file), name);
    }

    /** The newest version of {@code id}, if it exists and is not deleted. */
    public Optional<StoredVector> get(long id) {
        lock.readLock().lock();
        try {
            ensureOpen();
            long row = state.idToRow.get(id);
            if (row == -1 || state.dead.get(row)) {
                return Optional.empty();
            }
            return Optional.of(new StoredVector(id, versionOf(row), vectorOf(row),
                    MetadataCodec.decode(metadataOf(row))));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * One {@link BucketDigest} per bucket {@code 0 .. buckets - 1}, in order, over the newest record
     * of every id the shard holds (tombstones included), bucketed by {@code IdHashing.bucketOf}.
     * Equal for two shards with the same newest (id, version, deleted) set, however their rows are
     * laid out. Scans the id map under the read lock (writes wait; searches do not).
     */
    public List<BucketDigest> digest(int buckets) {
        BucketDigest.checkBuckets(buckets);
        long[] records = new long[buckets];
        long[] hashes = new long[buckets];
        lock.readLock().lock();
        try {
            ensureOpen();
            state.idToRow.forEachLong((id, row) -> {
                int b = IdHashing.bucketOf(id, buckets);
                records[b]++;
                hashes[b] += BucketDigest.recordHash(id, versionOf(row), isTombstoneRow(row));
            });
        } finally {
            lock.readLock().unlock();
        }
        List<BucketDigest> digests = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            digests.add(new BucketDigest(b, records[b], hashes[b]));
        }
        return digests;
    }

    /**
     * Hands the newest record of every id whose bucket ({@code IdHashing.bucketOf(id, buckets)})
     * passes {@code bucketFilter} to {@code sink}, ids ascending, at most {@code batchRows} per
     * batch: live ids as upserts (stored vector, encoded metadata; cosine vectors are the stored unit
     * vectors), deleted ids as {@link ShardWrite#delete}. Writing the batches into an empty shard
     * reproduces this shard's digest. The sink runs without any shard lock held, so writes continue
     * (the sink may even write to this shard): the ids are listed once, then each batch is read as it
     * is at that moment. The filter runs under the read lock and must be quick.
     */
    public void streamRecords(int buckets, IntPredicate bucketFilter, int batchRows,
                              Consumer<List<ShardWrite>> sink) {
        BucketDigest.checkBuckets(buckets);
        if (batchRows < 1 || batchRows > MAX_BATCH_ROWS) {
            throw new IllegalArgumentException("batchRows must be 1-" + MAX_BATCH_ROWS + ", got " + batchRows);
        }
        Objects.requireNonNull(bucketFilter, "bucketFilter");
        Objects.requireNonNull(sink, "sink");
        long[] ids = idsInBuckets(buckets, bucketFilter);
        for (int from = 0; from < ids.length; from += batchRows) {
            List<ShardWrite> batch = newestRecords(ids, from, Math.min(ids.length, from + batchRows));
            if (!batch.isEmpty()) {
                sink.accept(batch);
            }
        }
    }

    /**
     * The newest record of each of {@code ids} the shard holds, as the write that recreates it (a
     * tombstone as a delete with its version), in the order asked; ids the shard never saw are left
     * out. What a coordinator compares between replicas for a read at QUORUM or ALL.
     */
    public List<ShardWrite> newestRecords(long[] ids) {
        List<ShardWrite> out = new ArrayList<>(ids.length);
        lock.readLock().lock();
        try {
            ensureOpen();
            for (long id : ids) {
                long row = state.idToRow.get(id);
                if (row != -1) {
                    out.add(recordOf(id, row));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    /** The ids with a record in the buckets the filter accepts, sorted. */
    private long[] idsInBuckets(int buckets, IntPredicate bucketFilter) {
        LongArrayList ids = new LongArrayList();
        lock.readLock().lock();
        try {
            ensureOpen();
            state.idToRow.forEachLong((id, row) -> {
                if (bucketFilter.test(IdHashing.bucketOf(id, buckets))) {
                    ids.addLong(id);
                }
            });
        } finally {
            lock.readLock().unlock();
        }
        long[] sorted = ids.toLongArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** The newest records of {@code ids[from, to)} as they are now, as writes that recreate them. */
    private List<ShardWrite> newestRecords(long[] ids, int from, int to) {
        List<ShardWrite> batch = new ArrayList<>(to - from);
        lock.readLock().lock();
        try {
            ensureOpen();
            for (int i = from; i < to; i++) {
                long row = state.idToRow.get(ids[i]);
                if (row == -1) {
                    continue; // never expected: ids keep a record (at least a tombstone) once they have one
                }
                batch.add(recordOf(ids[i], row));
            }
        } finally {
            lock.readLock().unlock();
        }
        return batch;
    }

    /** The write that recreates {@code row}, the newest row of {@code id}. */
    private ShardWrite recordOf(long id, long row) {
        long version = versionOf(row);
        if (isTombstoneRow(row)) {
            return ShardWrite.delete(id, version);
        }
        return ShardWrite.upsert(id, version, vectorOf(row), metadataOf(row).toArray(ValueLayout.JAVA_BYTE));
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
     * exact scan beyond), skipping dead rows and rows the filter rejects. The outcome names the plan
     * that ran. A filter is evaluated on the metadata indexes ({@link FilterEvaluator}); a cost model
     * ({@link FilterPlanner}) then chooses between scanning the matching rows exactly and searching
     * the index with the matches as allowed ids (with more lists or a larger efSearch when the filter
     * is selective). Whatever the plan, if k rows match, k come back.
     *
     * <p>With a {@code recallTarget} (0: none) and no explicit nprobe or efSearch, an unfiltered
     * search through the index runs at the smallest setting whose recall, measured by the shard's
     * {@link RecallCalibrator}, meets the target. Every search through the index names the setting
     * that ran and the recall measured there in its plan and {@link SearchOutcome#recall()}.
     */
    public SearchOutcome search(float[] query, int k, Filter filter, SearchParams params, double recallTarget) {
        IndexArguments.checkK(k);
        checkRecallTarget(recallTarget);
        if (query == null || query.length != config.dimension()) {
            throw new IllegalArgumentException("query has " + (query == null ? 0 : query.length)
                    + " dimensions, the collection has " + config.dimension());
        }
        for (int d = 0; d < query.length; d++) {
            if (!Float.isFinite(query[d])) {
                throw new IllegalArgumentException("query component " + d + " is not finite (" + query[d] + ")");
            }
        }
        float[] q = query.clone();
        if (config.metric() == Metric.COSINE) {
            LinearIndex.normalize(q);
        }
        ShardIndex idx;
        SearchOutcome outcome;
        FilterTuning sampleFilter;
        lock.readLock().lock();
        try {
            ensureOpen();
            idx = index;
            RecallCalibrator.Setting setting = null;
            SearchParams effective = params;
            if (filter == null && idx != null && idx.coveredRows > 0) {
                int defaultSetting = defaultSetting(idx);
                if (params.nprobe() == 0 && params.efSearch() == 0 && recallTarget > 0) {
                    setting = calibration.forTarget(idx, defaultSetting, recallTarget);
                    effective = setting == null ? params : setting.params();
                } else {
                    int value = idx.index.spec().type().isIvf() ? (params.nprobe() > 0 ? params.nprobe()
                            : defaultSetting) : (params.efSearch() > 0 ? params.efSearch() : defaultSetting);
                    setting = calibration.at(idx, defaultSetting, value);
                }
            }
            TopK top = new TopK(k);
            Searched searched = filter == null ? unfiltered(q, k, effective, top)
                    : filtered(q, k, filter, params, recallTarget, top);
            long[] rows = new long[top.size()];
            float[] distances = new float[top.size()];
            int n = top.drain(rows, distances);
            List<Hit> hits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long row = rows[i];
                hits.add(new Hit(idOf(row), distances[i], versionOf(row), MetadataCodec.decode(metadataOf(row))));
            }
            String plan = searched.plan();
            double recall = searched.recall();
            if (setting != null && plan.startsWith("index")) {
                recall = setting.recall();
                plan += " " + setting.label() + (Double.isNaN(recall) ? " recall=unmeasured"
                        : String.format(java.util.Locale.ROOT, " recall=%.3f", recall))
                        + (recallTarget > 0 ? " target=" + recallTarget : "");
            }
            outcome = new SearchOutcome(hits, plan, searched.scanned(), recall);
            sampleFilter = searched.sample();
        } finally {
            lock.readLock().unlock();
        }
        if (sampleFilter != null && filterCalibration.shouldSample()) {
            FilterTuning tuning = sampleFilter;
            RecallCalibrator.submit(() -> {
                long started = System.nanoTime();
                try {
                    calibrateFilter(idx, q, k, filter, tuning);
                } finally {
                    filterCalibration.sampled(idx, tuning.key(), System.nanoTime() - started);
                }
            });
        }
        if (filter == null && idx != null && calibration.shouldSample(idx)) {
            float[] sampled = q;
            RecallCalibrator.submit(() -> {
                long started = System.nanoTime();
                try {
                    calibrate(idx, sampled, k, -1);
                } finally {
                    calibration.sampled(idx, System.nanoTime() - started);
                }
            });
        }
        lastSearchNanos = System.nanoTime(); // index work waiting for a pause in the writes goes ahead now
        return outcome;
    }

    private static void checkRecallTarget(double target) {
        if (!(target >= 0 && target <= 1)) {
            throw new IllegalArgumentException("recall target must be between 0 and 1 (0: none), got " + target);
        }
    }

    /** The setting an index search runs at when none is given: the default nprobe, or FAISS HNSW's efSearch. */
    private int defaultSetting(ShardIndex idx) {
        return idx.index.spec().type().isIvf() ? defaultNprobe(idx) : FaissVectorIndex.DEFAULT_EF_SEARCH;
    }

    /**
     * One calibration sample (on the calibration thread): the exact top-k of {@code q} over the
     * rows {@code idx} covers, then the index's answer at each ladder setting, compared. Takes the
     * read lock per segment and per setting, so writes are never held up for a whole scan; gives up
     * if the index was replaced or the shard closed meanwhile. {@code self}: a row that is the query
     * itself (leave-one-out), excluded from both answers; -1 for a served query.
     */
    private void calibrate(ShardIndex idx, float[] q, int k, long self) {
        int[] ladder;
        List<SealedSegment> segments;
        lock.readLock().lock();
        try {
            if (closed || index != idx) {
                return;
            }
            ladder = calibration.ladder(idx, defaultSetting(idx));
            segments = List.copyOf(sealed);
        } finally {
            lock.readLock().unlock();
        }
        if (ladder.length == 0) {
            return;
        }
        int want = self >= 0 ? k + 1 : k;
        long covered = idx.coveredRows;
        TopK exact = new TopK(want);
        if (!scanEachSegment(idx, segments, covered, seg -> scan(q, seg.segment().vectors(),
                (int) Math.min(seg.segment().count(), covered - seg.base()), seg.base(), exact))) {
            return;
        }
        long[] truthRows = withoutSelf(exact, want, self, k);
        if (truthRows.length == 0) {
            return;
        }
        boolean ivf = idx.index.spec().type().isIvf();
        double[] recalls = recallsAlong(idx, ladder, truthRows, want, self, k, (got, value) -> probeIndex(idx,
                covered, q, want, ivf ? SearchParams.nprobe(value) : SearchParams.efSearch(value), got));
        if (recalls == null) {
            return;
        }
        calibration.add(idx, ladder, recalls, self < 0);
        int at = java.util.Arrays.binarySearch(ladder, defaultSetting(idx));
        listener.recallSampled(self < 0, recalls[Math.max(0, at)]);
    }

    /**
     * Whether a wider setting can never find fewer of the true neighbours than a narrower one: an
     * IVF index with exact (Flat) codes probes a superset of the lists, and a true top-k row found
     * in fewer lists is still in the top k of more. A sample then stops at the first setting that
     * finds them all. (Not so for quantized codes or HNSW, whose answers may shift.)
     */
    private static boolean recallNeverFalls(ShardIndex idx) {
        return idx.index.spec().type() == IndexType.IVF_FLAT;
    }

    /** The first {@code k} rows of {@code top} (nearest first) other than {@code self}. */
    private static long[] withoutSelf(TopK top, int want, long self, int k) {
        long[] rows = new long[top.size()];
        float[] distances = new float[top.size()];
        int n = top.drain(rows, distances);
        long[] out = new long[Math.min(k, n)];
        int m = 0;
        for (int i = 0; i < n && m < out.length; i++) {
            if (rows[i] != self) {
                out[m++] = rows[i];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Leave-one-out samples for a new index: live covered rows, spread over the shard, each used
     * as a query with itself left out, so the first searches with a recall target already find a
     * calibrated setting.
     */
    private void bootstrapCalibration(ShardIndex idx) {
        long covered = idx.coveredRows;
        if (covered == 0) {
            return;
        }
        long step = Math.max(1, covered / RecallCalibrator.BOOTSTRAP_SAMPLES);
        RecallCalibrator.submit(() -> {
            for (long row = step / 2; row < covered; row += step) {
                float[] q;
                lock.readLock().lock();
                try {
                    if (closed || index != idx) {
                        return;
                    }
                    if (state.dead.get(row)) {
                        continue;
                    }
                    q = vectorOf(row);
                } finally {
                    lock.readLock().unlock();
                }
                calibrate(idx, q, 10, row);
            }
        });
    }

    /** Calibration samples from served queries the live index has. */
    int servedCalibrationSamples() {
        ShardIndex idx = index;
        return idx == null ? 0 : calibration.servedSamples(idx);
    }

    /** Calibration samples the live index has (tests wait for the bootstrap with it). */
    int calibrationSamples() {
        ShardIndex idx = index;
        return idx == null ? 0 : calibration.samples(idx);
    }

    /**
     * The plan that ran, the rows compared exactly, the recall measured for the setting that ran
     * (NaN: none), and a filtered search's tuning when it may be sampled for calibration (else null).
     */
    private record Searched(String plan, long scanned, double recall, FilterTuning sample) {
        Searched(String plan, long scanned) {
            this(plan, scanned, Double.NaN, null);
        }
    }

    private Searched unfiltered(float[] q, int k, SearchParams params, TopK top) {
        long scanned = 0;
        ShardIndex idx = index;
        long covered = idx == null ? 0 : idx.coveredRows;
        String plan;
        if (covered > 0) {
            Searched probe = probeIndex(idx, covered, q, k, params, top);
            scanned += probe.scanned();
            plan = probe.plan();
        } else {
            plan = "exact-scan";
        }
        for (SealedSegment seg : sealed) {
            if (seg.base() >= covered) {
                scanned += scan(q, seg.segment().vectors(), (int) seg.segment().count(), seg.base(), top);
            }
        }
        for (FrozenBuffer f : frozen) {
            scanned += scan(q, f.rows().vectors(), f.rows().size(), f.base(), top);
        }
        MemoryBuffer b = buffer;
        scanned += scan(q, b.vectors(), b.size(), bufferBase, top);
        return new Searched(plan, scanned);
    }

    /** A segment or the memory buffer as the filter evaluator sees it, with where its rows start. */
    private record Part(long base, int rows, MetadataIndexSet indexes, MetadataIndexSet.RowMetadata meta,
                        MemorySegment vectors) implements FilterEvaluator.RowSource {
        @Override
        public MemorySegment metadata(int row) {
            return meta.metadata(row);
        }
    }

    private List<Part> parts() {
        List<Part> parts = new ArrayList<>(sealed.size() + frozen.size() + 1);
        for (SealedSegment s : sealed) {
            Segment seg = s.segment();
            parts.add(new Part(s.base(), (int) seg.count(), segmentMeta.get(s.file()), seg::metadata, seg.vectors()));
        }
        for (FrozenBuffer f : frozen) {
            MemoryBuffer b = f.rows();
            parts.add(new Part(f.base(), b.size(), f.meta(), b::metadata, b.vectors()));
        }
        MemoryBuffer b = buffer;
        parts.add(new Part(bufferBase, b.size(), bufferMeta, b::metadata, b.vectors()));
        return parts;
    }

    private Searched filtered(float[] q, int k, Filter filter, SearchParams params, double recallTarget, TopK top) {
        List<Part> parts = parts();
        ShardIndex idx = index;
        long covered = idx == null ? 0 : idx.coveredRows;
        long totalRows = 0;
        for (Part p : parts) {
            totalRows += p.rows();
        }
        // Estimates count dead rows too; scale them by the share of rows that are live.
        double liveShare = totalRows == 0 ? 0 : Math.min(1.0, (double) state.liveRows / totalRows);
        double estimate = 0;
        double estimateCovered = 0;
        for (Part p : parts) {
            double e = FilterEvaluator.estimate(filter, p) * liveShare;
            estimate += e;
            if (p.base() < covered) {
                estimateCovered += e;
            }
        }
        FilterTuning tuning = covered == 0 ? null : filterTuning(idx, covered, estimateCovered, filter, params,
                recallTarget);
        FilterPlanner.Choice choice;
        if (covered == 0) {
            choice = FilterPlanner.EXACT;
        } else if (tuning == null) {
            choice = FilterPlanner.choose(idx.index.spec(), covered, estimateCovered, k,
                    params.nprobe() > 0 ? params.nprobe() : defaultNprobe(idx), params.efSearch());
        } else {
            choice = FilterPlanner.choose(idx.index.spec(), covered, estimateCovered, k, tuning.base(),
                    tuning.base(), tuning.setting() == null ? 0 : tuning.setting().value());
        }
        long[] matches = new long[1];
        long scanned = 0;
        String plan = choice.kind().label();
        if (choice.kind() == FilterPlanner.Kind.EXACT_MATCHES) {
            for (Part p : parts) {
                scanned += scanMatches(q, p, filter, top, matches);
            }
        } else {
            Searched probe = null;
            double selectivity = Math.min(1.0, Math.max(estimateCovered, 1.0) / covered);
            int candidates = FilterPlanner.postCandidates(k, selectivity);
            if (postFilter && tuning != null && FilterPlanner.postFilterPays(idx.index.spec(), covered, selectivity,
                    choice.nprobe(), candidates) && filterCalibration.tryPost(idx, tuning.key())) {
                probe = postFiltered(idx, covered, q, k, filter, choice, candidates, top);
                filterCalibration.postOutcome(idx, tuning.key(), probe != null);
                if (probe != null) {
                    matches[0] += Math.round(estimateCovered); // not counted: the indexes' count, less dead rows
                }
            }
            if (probe == null) {
                probe = probeFiltered(idx, covered, q, k, filter, parts, choice, top, matches);
            }
            scanned += probe.scanned();
            plan = probe.plan();
            for (Part p : parts) {
                if (p.base() >= covered) {
                    scanned += scanMatches(q, p, filter, top, matches);
                }
            }
        }
        long est = Math.round(estimate);
        listener.filteredSearch(plan, est, matches[0]);
        StringBuilder text = new StringBuilder("filter:").append(plan).append(" est=").append(est);
        if (choice.nprobe() > 0) {
            text.append(" nprobe=").append(choice.nprobe());
        }
        if (choice.efSearch() > 0) {
            text.append(" ef=").append(choice.efSearch());
        }
        double recall = Double.NaN;
        if (tuning != null && choice.kind() != FilterPlanner.Kind.EXACT_MATCHES && !plan.endsWith("->exact")) {
            recall = tuning.setting() == null ? Double.NaN : tuning.setting().recall();
            text.append(Double.isNaN(recall) ? " recall=unmeasured"
                    : String.format(java.util.Locale.ROOT, " recall=%.3f", recall));
            if (recallTarget > 0) {
                text.append(" target=").append(recallTarget);
            }
        }
        // Sampled when the index could answer at its narrowest step: then calibration may change the plan.
        boolean sample = tuning != null && FilterPlanner.choose(idx.index.spec(), covered, estimateCovered, k,
                tuning.base(), tuning.base(), tuning.base()).kind() != FilterPlanner.Kind.EXACT_MATCHES;
        return new Searched(text.toString(), scanned, recall, sample ? tuning : null);
    }

    /**
     * How a filtered search through an index with a knob is tuned: the unfiltered setting it widens
     * from ({@code base}: the explicit nprobe or efSearch, else the one calibrated for the recall
     * target, else the default), its calibration key, and the setting calibrated for the target
     * (null until measured). The target is the request's recall target (met with 95% confidence),
     * else the recall the unfiltered search has at {@code base} less {@link FilterCalibrator#DEFAULT_SLACK}.
     */
    private record FilterTuning(FilterCalibrator.Key key, int base, int cap, boolean ivf,
                                RecallCalibrator.Setting setting) {
    }

    /** The tuning of a filtered search over {@code covered} indexed rows; null for an index without a knob. */
    private FilterTuning filterTuning(ShardIndex idx, long covered, double matches, Filter filter, SearchParams params,
                                      double recallTarget) {
        boolean ivf = idx.index.spec().type().isIvf();
        if (!ivf && idx.index.spec().type() != IndexType.HNSW_FLAT) {
            return null;
        }
        int defaultSetting = defaultSetting(idx);
        int explicit = ivf ? params.nprobe() : params.efSearch();
        int base;
        if (explicit > 0) {
            base = explicit;
        } else if (recallTarget > 0) {
            RecallCalibrator.Setting s = calibration.forTarget(idx, defaultSetting, recallTarget);
            base = s == null ? defaultSetting : s.value();
        } else {
            base = defaultSetting;
        }
        int cap = ivf ? idx.index.spec().nlist() : FilterPlanner.MAX_FILTER_EF_SEARCH;
        base = Math.min(cap, base);
        double target;
        if (recallTarget > 0) {
            target = recallTarget;
        } else {
            RecallCalibrator.Setting unfiltered = calibration.at(idx, defaultSetting, base);
            target = unfiltered == null ? Double.NaN : unfiltered.recall() - FilterCalibrator.DEFAULT_SLACK;
        }
        double selectivity = Math.min(1.0, Math.max(matches, 1.0) / covered);
        FilterCalibrator.Key key = FilterCalibrator.key(filter, selectivity, base);
        RecallCalibrator.Setting setting = filterCalibration.choose(idx, key, cap, ivf, target, recallTarget > 0);
        return new FilterTuning(key, base, cap, ivf, setting);
    }

    /**
     * One filtered calibration sample (on the calibration thread): the exact filtered top-k over
     * the rows {@code idx} covers, then the index's answer with the same allowed rows at each step
     * of the key's ladder, compared. Takes the read lock per segment and per step; gives up if the
     * index was replaced or the shard closed meanwhile.
     */
    private void calibrateFilter(ShardIndex idx, float[] q, int k, Filter filter, FilterTuning tuning) {
        int[] ladder = filterCalibration.ladder(idx, tuning.key(), tuning.cap());
        long covered = idx.coveredRows;
        long[] bits;
        List<SealedSegment> segments;
        lock.readLock().lock();
        try {
            if (closed || index != idx) {
                return;
            }
            bits = allowedBits(filter, parts(), covered);
            segments = List.copyOf(sealed);
        } finally {
            lock.readLock().unlock();
        }
        long allowedRows = 0;
        for (long w : bits) {
            allowedRows += Long.bitCount(w);
        }
        if (allowedRows == 0) {
            return;
        }
        int kk = (int) Math.min(k, allowedRows);
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve((long) bits.length * Long.BYTES
                + 12L * kk, "calibration bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            MemorySegment allowed = arena.allocate((long) bits.length * Long.BYTES, 8);
            MemorySegment.copy(bits, 0, allowed, ValueLayout.JAVA_LONG, 0, bits.length);
            TopK exact = new TopK(kk);
            if (!scanEachSegment(idx, segments, covered, seg -> scanAllowed(q, seg, covered, allowed, exact))) {
                return;
            }
            long[] truth = withoutSelf(exact, kk, -1, kk);
            double[] recalls = recallsAlong(idx, ladder, truth, kk, -1, kk, (got, value) -> searchIndex(idx, q, kk,
                    tuning.ivf() ? new SearchParams(value, 0, allowed) : new SearchParams(0, Math.max(kk, value),
                            allowed), arena, got));
            if (recalls == null) {
                return;
            }
            filterCalibration.add(idx, tuning.key(), ladder, recalls);
            listener.filteredRecallSampled(recalls[0]);
        }
    }

    /**
     * Runs {@code scanSegment} over each sealed segment below {@code covered}, under the read lock
     * one segment at a time (writes are never held up for a whole scan); false, stopping, if the
     * index was replaced or the shard closed meanwhile.
     */
    private boolean scanEachSegment(ShardIndex idx, List<SealedSegment> segments, long covered,
                                    java.util.function.Consumer<SealedSegment> scanSegment) {
        for (SealedSegment seg : segments) {
            if (seg.base() >= covered) {
                break;
            }
            lock.readLock().lock();
            try {
                if (closed || index != idx) {
                    return false;
                }
                scanSegment.accept(seg);
            } finally {
                lock.readLock().unlock();
            }
        }
        return true;
    }

    /**
     * Recall against {@code truth} at each ladder setting: {@code searchAt} runs the index at a
     * setting into a top-{@code want}, under the read lock, whose first {@code k} rows other than
     * {@code self} count. Null if the index was replaced or the shard closed meanwhile. Once a
     * setting finds every true neighbour of an {@link #recallNeverFalls} index, the wider ones are
     * not run (they cost the most and cannot lose a neighbour found).
     */
    private double[] recallsAlong(ShardIndex idx, int[] ladder, long[] truth, int want, long self, int k,
                                  java.util.function.ObjIntConsumer<TopK> searchAt) {
        double[] recalls = new double[ladder.length];
        for (int i = 0; i < ladder.length; i++) {
            if (i > 0 && recalls[i - 1] == 1.0 && recallNeverFalls(idx)) {
                recalls[i] = 1.0;
                continue;
            }
            TopK got = new TopK(want);
            lock.readLock().lock();
            try {
                if (closed || index != idx) {
                    return null;
                }
                searchAt.accept(got, ladder[i]);
            } finally {
                lock.readLock().unlock();
            }
            recalls[i] = overlap(withoutSelf(got, want, self, k), truth);
        }
        return recalls;
    }

    /** Share of {@code truth} found in {@code found}. */
    private static double overlap(long[] found, long[] truth) {
        if (truth.length == 0) {
            return 1.0;
        }
        int hits = 0;
        for (long row : found) {
            for (long t : truth) {
                if (t == row) {
                    hits++;
                    break;
                }
            }
        }
        return hits / (double) truth.length;
    }

    /** Post-filter tries and successes of filters shaped as {@code filter} (tests). */
    int[] postFilterCounts(Filter filter) {
        ShardIndex idx = index;
        return idx == null ? new int[2] : filterCalibration.postCounts(idx, FilterCalibrator.shape(filter));
    }

    /** Turns the post-filter plan on or off (tests compare it with the allowed-ids plan). */
    void postFilter(boolean enabled) {
        postFilter = enabled;
    }

    /** The most filtered calibration samples a kind of filter shaped as {@code filter} has (tests). */
    int filterCalibrationSamples(Filter filter) {
        ShardIndex idx = index;
        return idx == null ? 0 : filterCalibration.samples(idx, FilterCalibrator.shape(filter));
    }

    /** Exact distances to the live rows of {@code part} the filter matches; counts them into {@code matches[0]}. */
    private long scanMatches(float[] q, Part part, Filter filter, TopK top, long[] matches) {
        if (part.rows() == 0) {
            return 0;
        }
        RoaringBitmap rows = FilterEvaluator.evaluate(filter, part);
        long scanned = 0;
        float worst = top.worst();
        IntIterator it = rows.getIntIterator();
        while (it.hasNext()) {
            int r = it.next();
            long row = part.base() + r;
            if (state.dead.get(row)) {
                continue;
            }
            scanned++;
            float d = distance(q, part.vectors(), r * rowBytes);
            if (d <= worst) {
                top.offer(d, row);
                worst = top.worst();
            }
        }
        matches[0] += scanned;
        return scanned;
    }

    /**
     * The covered part of a filtered search through the index: the live matches become the allowed
     * ids; if the probed lists held fewer than k of them, the matches are scanned exactly instead.
     */
    private Searched probeFiltered(ShardIndex idx, long covered, float[] q, int k, Filter filter, List<Part> parts,
                                   FilterPlanner.Choice choice, TopK top, long[] matches) {
        int words = (int) ((covered + 63) >>> 6);
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve((long) words * Long.BYTES * 2
                + 12L * k, "search bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            long[] bits = allowedBits(filter, parts, covered);
            long allowedRows = 0;
            for (long w : bits) {
                allowedRows += Long.bitCount(w);
            }
            matches[0] += allowedRows;
            String plan = choice.kind().label();
            if (allowedRows == 0) {
                return new Searched(plan, 0);
            }
            MemorySegment allowed = arena.allocate((long) words * Long.BYTES, 8);
            MemorySegment.copy(bits, 0, allowed, ValueLayout.JAVA_LONG, 0, words);
            int kk = (int) Math.min(k, allowedRows);
            SearchParams p = new SearchParams(choice.nprobe(), choice.efSearch(), allowed);
            int found = searchIndex(idx, q, kk, p, arena, top);
            if (found < kk) {
                TopK exact = new TopK(k);
                long scanned = scanAllowed(q, covered, allowed, exact);
                replaceIndexedPart(top, exact);
                return new Searched(plan + "->exact", scanned);
            }
            return new Searched(plan, 0);
        }
    }

    /**
     * The covered part of a filtered IVF search without building the allowed rows: the index's
     * nearest {@code candidates} live rows at the plan's nprobe, of which the first k the filter
     * matches are kept. When k of them match, that is exactly what the search with the matches as
     * allowed ids returns at that nprobe (any nearer match in the probed lists would be among the
     * candidates), so recall and calibration are the same; otherwise null, and nothing was offered.
     */
    private Searched postFiltered(ShardIndex idx, long covered, float[] q, int k, Filter filter,
                                  FilterPlanner.Choice choice, int candidates, TopK top) {
        long words = (covered + 63) >>> 6;
        boolean allLive = state.dead.cardinality() == 0;
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve(
                (allLive ? 0 : words * Long.BYTES) + 12L * candidates, "search bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            MemorySegment allowed = allLive ? null : liveRows(covered, arena);
            TopK near = new TopK(candidates);
            searchIndex(idx, q, candidates, new SearchParams(choice.nprobe(), 0, allowed), arena, near);
            long[] rows = new long[near.size()];
            float[] distances = new float[near.size()];
            int n = near.drain(rows, distances);
            long[] keptRows = new long[k];
            float[] keptDistances = new float[k];
            int kept = 0;
            for (int i = 0; i < n && kept < k; i++) {
                if (filter.matches(metadataOf(rows[i]))) {
                    keptRows[kept] = rows[i];
                    keptDistances[kept++] = distances[i];
                }
            }
            if (kept < k) {
                return null;
            }
            for (int i = 0; i < kept; i++) {
                top.offer(keptDistances[i], keptRows[i]);
            }
            return new Searched(choice.kind().label() + "+post", 0);
        }
    }

    /** One bit per covered row, set for the live ones. */
    private MemorySegment liveRows(long covered, Arena arena) {
        long words = (covered + 63) >>> 6;
        MemorySegment allowed = arena.allocate(words * Long.BYTES, 8);
        for (long w = 0; w < words; w++) {
            long alive = ~state.dead.word(w);
            if (w == words - 1 && (covered & 63) != 0) {
                alive &= (1L << (covered & 63)) - 1;
            }
            allowed.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, w, alive);
        }
        return allowed;
    }

    /** One bit per covered row: set for the live rows {@code filter} matches. */
    private long[] allowedBits(Filter filter, List<Part> parts, long covered) {
        int words = (int) ((covered + 63) >>> 6);
        long[] bits = new long[words];
        for (Part p : parts) {
            if (p.base() >= covered) {
                continue;
            }
            FilterEvaluator.evaluateInto(filter, p, bits, p.base());
        }
        for (int w = 0; w < words; w++) {
            bits[w] &= ~state.dead.word(w);
        }
        return bits;
    }

    /** Searches the index for {@code kk} rows into {@code top}; returns how many it found. */
    private int searchIndex(ShardIndex idx, float[] q, int kk, SearchParams p, Arena arena, TopK top) {
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, kk);
        MemorySegment dist = arena.allocate(ValueLayout.JAVA_FLOAT, kk);
        idx.index.search(MemorySegment.ofArray(q), kk, p, ids, dist);
        int found = 0;
        for (int i = 0; i < kk; i++) {
            long row = ids.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (row >= 0) {
                found++;
                top.offer(ShardIndex.toShardDistance(config.metric(), dist.getAtIndex(ValueLayout.JAVA_FLOAT, i)), row);
            }
        }
        return found;
    }

    /** The unfiltered search of the covered rows; dead rows are excluded with a bitmap when there are any. */
    private Searched probeIndex(ShardIndex idx, long covered, float[] q, int k, SearchParams params, TopK top) {
        long words = (covered + 63) >>> 6;
        boolean allLive = state.dead.cardinality() == 0;
        try (NativeMemoryBudget.Reservation reservation = config.budget().reserve(
                (allLive ? 0 : words * Long.BYTES) + 12L * k, "search bitmap over " + covered + " rows");
             Arena arena = Arena.ofConfined()) {
            MemorySegment allowed = allLive ? null : liveRows(covered, arena);
            long live = allLive ? covered : 0;
            for (long w = 0; !allLive && w < words; w++) {
                live += Long.bitCount(allowed.getAtIndex(ValueLayout.JAVA_LONG, w));
            }
            if (live == 0) {
                return new Searched("index", 0);
            }
            int kk = (int) Math.min(k, live);
            SearchParams p = new SearchParams(params.nprobe() > 0 ? params.nprobe() : defaultNprobe(idx),
                    params.efSearch(), allowed);
            int found = searchIndex(idx, q, kk, p, arena, top);
            if (found < kk) {
                // The probed lists held fewer live rows than wanted: answer this part exactly.
                TopK exact = new TopK(k);
                long scanned = allLive ? scanCovered(q, covered, exact) : scanAllowed(q, covered, allowed, exact);
                replaceIndexedPart(top, exact);
                return new Searched("index->exact", scanned);
            }
            return new Searched("index", 0);
        }
    }

    /** Exact scan of every covered row (none is dead). */
    private long scanCovered(float[] q, long covered, TopK top) {
        long scanned = 0;
        for (SealedSegment seg : sealed) {
            if (seg.base() < covered) {
                scanned += scan(q, seg.segment().vectors(), (int) seg.segment().count(), seg.base(), top);
            }
        }
        return scanned;
    }
    /** The index's hits are the only entries in {@code top} so far; swap them for exact ones. */
    private static void replaceIndexedPart(TopK top, TopK exact) {
        top.clear();
        long[] rows = new long[exact.size()];
        float[] distances = new float[exact.size()];
        int n = exact.drain(rows, distances);
        for (int i = 0; i < n; i++) {
            top.offer(distances[i], rows[i]);
        }
    }

    private int defaultNprobe(ShardIndex idx) {
        if (config.index().defaultNprobe() > 0) {
            return config.index().defaultNprobe();
        }
        // sqrt(nlist): a common starting point (about 63 of 4000 lists); tune per collection.
        return Math.max(1, (int) Math.round(Math.sqrt(idx.index.spec().nlist())));
    }

    /** Exact scan of the covered rows whose bit is set in {@code allowed}. */
    private long scanAllowed(float[] q, long covered, MemorySegment allowed, TopK top) {
        long scanned = 0;
        for (SealedSegment seg : sealed) {
            if (seg.base() >= covered) {
                break;
            }
            scanned += scanAllowed(q, seg, covered, allowed, top);
        }
        return scanned;
    }

    /** Exact scan of the rows of {@code seg} below {@code covered} whose bit is set in {@code allowed}. */
    private long scanAllowed(float[] q, SealedSegment seg, long covered, MemorySegment allowed, TopK top) {
        long scanned = 0;
        MemorySegment vectors = seg.segment().vectors();
        long n = Math.min(seg.segment().count(), covered - seg.base());
        float worst = top.worst();
        for (long r = 0; r < n; r++) {
            long row = seg.base() + r;
            if (!SearchParams.allows(allowed, row)) {
                continue;
            }
            scanned++;
            float d = distance(q, vectors, r * rowBytes);
            if (d <= worst) {
                top.offer(d, row);
                worst = top.worst();
            }
        }
        return scanned;
    }

    private float distance(float[] q, MemorySegment vectors, long off) {
        return switch (config.metric()) {
            case L2 -> kernels.squaredL2(q, vectors, off);
            case INNER_PRODUCT -> -kernels.dot(q, vectors, off);
            case COSINE -> 1f - kernels.dot(q, vectors, off);
        };
    }

    private long scan(float[] q, MemorySegment vectors, int rows, long base, TopK top) {
        float worst = top.worst();
        long scanned = 0;
        for (int r = 0; r < rows; r++) {
            long row = base + r;
            if (state.dead.get(row)) {
                continue;
            }
            scanned++;
            float d = distance(q, vectors, r * rowBytes);
            if (d <= worst) {
                top.offer(d, row);
                worst = top.worst();
            }
        }
        return scanned;
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

    /** A buffered row: the live or a frozen buffer holding it and its row number there. */
    private record Buffered(MemoryBuffer rows, int local) {
    }

    /** The buffer (live or frozen) holding {@code row}, or null when a sealed segment holds it. Under the lock. */
    private Buffered buffered(long row) {
        if (row >= bufferBase) {
            return new Buffered(buffer, (int) (row - bufferBase));
        }
        for (int i = frozen.size() - 1; i >= 0; i--) {
            FrozenBuffer f = frozen.get(i);
            if (row >= f.base()) {
                return new Buffered(f.rows(), (int) (row - f.base()));
            }
        }
        return null;
    }

    private long idOf(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().id(b.local());
        }
        SealedSegment s = sealedOf(row);
        return s.segment().id(row - s.base());
    }

    private long versionOf(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().version(b.local());
        }
        SealedSegment s = sealedOf(row);
        return s.segment().version(row - s.base());
    }

    private boolean isTombstoneRow(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().isTombstone(b.local());
        }
        SealedSegment s = sealedOf(row);
        return s.segment().isTombstone(row - s.base());
    }

    private MemorySegment metadataOf(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().metadata(b.local());
        }
        SealedSegment s = sealedOf(row);
        return s.segment().metadata(row - s.base());
    }

    private float[] vectorOf(long row) {
        MemorySegment v;
        Buffered b = buffered(row);
        if (b != null) {
            v = b.rows().vector(b.local());
        } else {
            SealedSegment s = sealedOf(row);
            v = s.segment().vectors().asSlice((row - s.base()) * rowBytes, rowBytes);
        }
        return v.toArray(ValueLayout.JAVA_FLOAT);
    }

    private SealedSegment sealedOf(long row) {
        return segmentOf(sealed, row);
    }

    private static SealedSegment segmentOf(List<SealedSegment> segments, long row) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            SealedSegment s = segments.get(mid);
            if (row < s.base()) {
                hi = mid - 1;
            } else if (row >= s.end()) {
                lo = mid + 1;
            } else {
                return s;
            }
        }
        throw new IllegalStateException("row " + row + " is in no sealed segment");
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
        try {
            while (!indexer.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.info("shard {}: waiting for index work to finish before closing", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sealMutex.lock(); // a seal in progress finishes first; frozen rows not yet sealed are in the WAL
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            persistGrownIndex();
            if (index != null) {
                index.close();
                index = null;
            }
            segmentMeta.close();
            if (wal != null) {
                wal.close();
            }
            for (SealedSegment s : sealed) {
                s.segment().close();
            }
            sealed.clear();
            if (buffer != null) {
                buffer.close();
            }
            for (FrozenBuffer f : frozen) {
                f.rows().close();
            }
            frozen.clear();
        } finally {
            lock.writeLock().unlock();
            sealMutex.unlock();
        }
    }
}
