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
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.agrona.collections.Long2LongHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.IndexArguments;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.kernel.VectorKernels;
import org.vxdb.index.linear.LinearIndex;
import org.vxdb.index.linear.TopK;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.manifest.Manifest;
import org.vxdb.storage.meta.MetadataCodec;
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

    private final ShardConfig config;
    private final Path dir;
    private final long rowBytes;
    private final VectorKernels kernels = Kernels.best();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** id -> global row of its newest version (tombstones included). Guarded by the lock. */
    private final Long2LongHashMap idToRow = new Long2LongHashMap(-1L);
    private final RowBitmap dead = new RowBitmap();
    private final List<Sealed> sealed = new ArrayList<>();
    private final List<String> quarantined = new ArrayList<>();
    private final TreeSet<Long> appliedAhead = new TreeSet<>();
    private long appliedPrefix;
    private MemoryBuffer buffer;
    private long bufferBase;
    private Manifest manifest;
    private WriteAheadLog wal;
    private long liveRows;
    private boolean closed;

    /** A sealed segment and the global row its first row has. */
    private record Sealed(long base, Segment segment, String file) {
        long end() {
            return base + segment.count();
        }
    }

    private Shard(ShardConfig config) {
        this.config = config;
        this.dir = config.dir();
        this.rowBytes = (long) config.dimension() * Float.BYTES;
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
                sealed.add(new Sealed(entry.baseRow(), segment, entry.file()));
            } catch (SegmentCorruptException e) {
                quarantine(file, e);
            }
        }
        if (!quarantined.isEmpty()) {
            for (String file : quarantined) {
                manifest = manifest.withoutSegment(file);
            }
            manifest.write(dir);
        }
        bufferBase = manifest.nextRow();
        for (Sealed s : sealed) {
            for (long r = 0; r < s.segment().count(); r++) {
                track(s.segment().id(r), s.segment().version(r), s.segment().isTombstone(r), s.base() + r);
            }
        }
        buffer = new MemoryBuffer(config.dimension(), config.bufferRows());
        appliedPrefix = manifest.replayAfterLsn();
        wal = WriteAheadLog.open(dir.resolve("wal"), config.wal(), manifest.replayAfterLsn(), this::replay);
        LOG.info("shard {} open: {} segments, {} buffered rows, {} live vectors{}", dir, sealed.size(), buffer.size(),
                liveRows, quarantined.isEmpty() ? "" : ", quarantined " + quarantined);
    }

    /**
     * Deletes segment files the manifest does not list and temp files: what a crash between writing
     * a segment and recording it in the manifest leaves behind (its rows are still in the WAL).
     */
    private void removeOrphans() throws IOException {
        Set<String> listed = new HashSet<>();
        manifest.segments().forEach(s -> listed.add(s.file()));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                boolean orphanSegment = name.endsWith(SEGMENT_SUFFIX) && !listed.contains(name);
                if (orphanSegment || name.endsWith(".tmp")) {
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
    }

    /** Validates, logs durably and applies a batch; returns once it is visible to searches. */
    public void write(List<ShardWrite> writes) throws IOException {
        List<ShardWrite> valid = validate(writes);
        long lsn;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = ShardRecordCodec.encode(valid, config.dimension(), arena);
            ensureOpen();
            lsn = wal.append(payload);
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            try (Arena arena = Arena.ofConfined()) {
                for (ShardWrite w : valid) {
                    MemorySegment vector = w.isDelete() ? null : MemorySegment.ofArray(w.vector());
                    MemorySegment meta = MemorySegment.ofArray(w.metadata());
                    applyRow(w.op(), w.id(), w.version(), vector, meta);
                }
            }
            markApplied(lsn);
            if (buffer.isFull() || buffer.bytes() >= config.bufferBytes()
                    || buffer.ageNanos() >= config.bufferAge().toNanos()) {
                sealLocked();
            }
        } finally {
            lock.writeLock().unlock();
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
        long prev = idToRow.get(id);
        if (prev != -1 && version <= versionOf(prev)) {
            return;
        }
        if (buffer.isFull()) {
            sealLocked();
        }
        boolean tombstone = op == ShardRecordCodec.OP_DELETE;
        MemorySegment v = tombstone ? zeros() : vector;
        int local = buffer.append(id, version, tombstone ? MemoryBuffer.FLAG_TOMBSTONE : 0, v, 0,
                tombstone ? null : metadata);
        track(id, version, tombstone, bufferBase + local);
    }

    /** Makes {@code row} the newest row of {@code id}, retiring the previous one. */
    private void track(long id, long version, boolean tombstone, long row) {
        long prev = idToRow.get(id);
        if (prev != -1) {
            if (version <= versionOf(prev)) {
                dead.set(row);
                return;
            }
            if (!dead.get(prev)) {
                liveRows--;
            }
            dead.set(prev);
        }
        idToRow.put(id, row);
        if (tombstone) {
            dead.set(row);
        } else {
            liveRows++;
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

    /** Seals the memory buffer into a segment now (no-op when it is empty). */
    public void flush() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            sealLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Applies time-based triggers; call periodically. */
    public void maintain() {
        lock.writeLock().lock();
        try {
            if (!closed && buffer.size() > 0 && buffer.ageNanos() >= config.bufferAge().toNanos()) {
                sealLocked();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void sealLocked() {
        int rows = buffer.size();
        if (rows == 0) {
            return;
        }
        String name = String.format("seg-%016d", bufferBase) + SEGMENT_SUFFIX;
        Path file = dir.resolve(name);
        try (Arena arena = Arena.ofConfined()) {
            MemoryBuffer.Columns c = buffer.columns(rows, arena);
            SegmentWriter.write(file, new SegmentData(config.dimension(), config.metric(), rows, c.vectors(), c.ids(),
                    c.versions(), c.flags(), c.metadata(), c.metadataOffsets()));
            Segment segment = Segment.open(file);
            manifest = manifest.withSegment(new Manifest.SegmentEntry(name, bufferBase, rows), appliedPrefix);
            manifest.write(dir);
            sealed.add(new Sealed(bufferBase, segment, name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seal " + rows + " rows of shard " + dir + " into " + file + ": "
                    + e.getMessage(), e);
        }
        bufferBase += rows;
        buffer.close();
        buffer = new MemoryBuffer(config.dimension(), config.bufferRows());
        try {
            wal.releaseUpTo(manifest.replayAfterLsn());
        } catch (UncheckedIOException e) {
            LOG.warn("shard {}: cannot release WAL files up to LSN {}: {}", dir, manifest.replayAfterLsn(), e.getMessage());
        }
    }

    /** The newest version of {@code id}, if it exists and is not deleted. */
    public Optional<StoredVector> get(long id) {
        lock.readLock().lock();
        try {
            ensureOpen();
            long row = idToRow.get(id);
            if (row == -1 || dead.get(row)) {
                return Optional.empty();
            }
            return Optional.of(new StoredVector(id, versionOf(row), vectorOf(row),
                    MetadataCodec.decode(metadataOf(row))));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Exact top-k over the buffer and every sealed segment, skipping dead rows and rows the filter
     * rejects (the filter is applied during the scan, so if k rows match, k come back).
     */
    public SearchOutcome search(float[] query, int k, Filter filter) {
        IndexArguments.checkK(k);
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
        lock.readLock().lock();
        try {
            ensureOpen();
            TopK top = new TopK(k);
            long scanned = 0;
            for (Sealed s : sealed) {
                scanned += scan(q, s.segment().vectors(), (int) s.segment().count(), s.base(), filter, top,
                        r -> s.segment().metadata(r));
            }
            MemoryBuffer b = buffer;
            scanned += scan(q, b.vectors(), b.size(), bufferBase, filter, top, r -> b.metadata((int) r));
            long[] rows = new long[top.size()];
            float[] distances = new float[top.size()];
            int n = top.drain(rows, distances);
            List<Hit> hits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long row = rows[i];
                hits.add(new Hit(idOf(row), distances[i], versionOf(row), MetadataCodec.decode(metadataOf(row))));
            }
            return new SearchOutcome(hits, filter == null ? "exact-scan" : "exact-scan+filter", scanned);
        } finally {
            lock.readLock().unlock();
        }
    }

    @FunctionalInterface
    private interface MetadataSource {
        MemorySegment metadata(long row);
    }

    private long scan(float[] q, MemorySegment vectors, int rows, long base, Filter filter, TopK top,
                      MetadataSource meta) {
        Metric metric = config.metric();
        float worst = top.worst();
        long scanned = 0;
        for (int r = 0; r < rows; r++) {
            long row = base + r;
            if (dead.get(row)) {
                continue;
            }
            if (filter != null && !filter.matches(meta.metadata(r))) {
                continue;
            }
            scanned++;
            long off = r * rowBytes;
            float d = switch (metric) {
                case L2 -> kernels.squaredL2(q, vectors, off);
                case INNER_PRODUCT -> -kernels.dot(q, vectors, off);
                case COSINE -> 1f - kernels.dot(q, vectors, off);
            };
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
            return liveRows;
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

    public int bufferedRows() {
        return buffer.size();
    }

    /** Segment files moved aside at open because they failed their checksums. */
    public List<String> quarantined() {
        return List.copyOf(quarantined);
    }

    public IndexSpec exactSpec() {
        return IndexSpec.flat(config.dimension(), config.metric());
    }

    private long idOf(long row) {
        if (row >= bufferBase) {
            return buffer.id((int) (row - bufferBase));
        }
        Sealed s = sealedOf(row);
        return s.segment().id(row - s.base());
    }

    private long versionOf(long row) {
        if (row >= bufferBase) {
            return buffer.version((int) (row - bufferBase));
        }
        Sealed s = sealedOf(row);
        return s.segment().version(row - s.base());
    }

    private MemorySegment metadataOf(long row) {
        if (row >= bufferBase) {
            return buffer.metadata((int) (row - bufferBase));
        }
        Sealed s = sealedOf(row);
        return s.segment().metadata(row - s.base());
    }

    private float[] vectorOf(long row) {
        MemorySegment v;
        if (row >= bufferBase) {
            v = buffer.vector((int) (row - bufferBase));
        } else {
            Sealed s = sealedOf(row);
            v = s.segment().vectors().asSlice((row - s.base()) * rowBytes, rowBytes);
        }
        return v.toArray(ValueLayout.JAVA_FLOAT);
    }

    private Sealed sealedOf(long row) {
        int lo = 0;
        int hi = sealed.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Sealed s = sealed.get(mid);
            if (row < s.base()) {
                hi = mid - 1;
            } else if (row >= s.end()) {
                lo = mid + 1;
            } else {
                return s;
            }
        }
        throw new IllegalStateException("row " + row + " is in no segment of shard " + dir);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("shard " + dir + " is closed");
        }
    }

    /** Syncs the WAL and releases every mapping and off-heap buffer. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (wal != null) {
                wal.close();
            }
            for (Sealed s : sealed) {
                s.segment().close();
            }
            sealed.clear();
            if (buffer != null) {
                buffer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
