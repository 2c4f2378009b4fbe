package org.vxdb.index.faiss;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.IndexType;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.faiss.bridge.FaissNative;
import org.vxdb.index.faiss.bridge.FaissNative.FaissIndex;
import org.vxdb.index.faiss.bridge.FaissNative.IDSelectorBatch;
import org.vxdb.index.faiss.bridge.FaissNative.IDSelectorBitmap;
import org.vxdb.index.faiss.bridge.FaissNative.SearchParameters;
import org.vxdb.index.faiss.bridge.FaissNative.SearchParametersHNSW;
import org.vxdb.index.faiss.bridge.FaissNative.SearchParametersIVF;
import org.vxdb.index.faiss.bridge.SegmentPointers;
import org.vxdb.index.linear.LinearIndex;
import org.vxdb.index.spi.AbstractVectorIndex;
import org.vxdb.index.spi.IndexFileDescriptor;
import org.vxdb.index.spi.IndexFiles;

/**
 * A FAISS index behind {@link org.vxdb.index.VectorIndex}. This object is the single owner of the
 * native {@code faiss::Index*}: it frees it exactly once, in {@link #close()}.
 *
 * <p>IVF indexes store our ids natively. Flat and HNSW indexes number their rows 0..n-1, so this
 * class keeps a position-to-id table beside them ({@link PositionIds}); FAISS 1.7.3's
 * {@code IndexIDMap} would do the same but rejects per-search parameters (efSearch, id filters).
 * Cosine is inner product over normalised vectors, so cosine inputs are normalised into a scratch
 * copy first; every other native input segment goes to FAISS in place.
 */
public final class FaissVectorIndex extends AbstractVectorIndex {

    /** Payload prefix value meaning "FAISS stores the ids itself" (IVF). */
    private static final long NATIVE_IDS = -1;

    /** HNSW efSearch when a search does not set one; FAISS's own default (16) gives poor recall. */
    public static final int DEFAULT_EF_SEARCH = 64;

    private FaissIndex index;
    /** Row position to id for Flat and HNSW; null for IVF. */
    private final PositionIds positionIds;
    /** Serialises changes of the HNSW efSearch field against running searches; null unless HNSW. */
    private final EfSearchGate efSearchGate;

    private FaissVectorIndex(IndexSpec spec, FaissIndex index, PositionIds positionIds) {
        super(spec);
        this.index = index;
        this.positionIds = positionIds;
        this.efSearchGate = spec.type() == IndexType.HNSW_FLAT
                ? new EfSearchGate(ef -> FaissNative.vxdb_hnsw_set_ef_search(index, ef)) : null;
    }

    private static boolean storesIdsNatively(IndexSpec spec) {
        return spec.type().isIvf();
    }

    static FaissVectorIndex create(IndexSpec spec) {
        FaissIndex created = FaissNative.index_factory(spec.dimension(), factoryString(spec), faissMetric(spec.metric()));
        if (created == null || created.isNull()) {
            throw new IllegalStateException("FAISS index_factory returned no index for " + spec);
        }
        return new FaissVectorIndex(spec, created, storesIdsNatively(spec) ? null : new PositionIds());
    }

    static FaissVectorIndex load(Path file, IndexFiles.Header header) {
        IndexSpec spec = header.spec();
        PositionIds ids = readPositionIds(file, header);
        long faissOffset = IndexFileDescriptor.HEADER_LENGTH + Long.BYTES + (ids == null ? 0 : ids.size() * Long.BYTES);
        FaissIndex loaded = FaissNative.vxdb_read_index_at(file.toString(), faissOffset);
        if (loaded == null || loaded.isNull()) {
            throw new IllegalStateException("FAISS read no index from " + file);
        }
        String mismatch = mismatch(spec, loaded);
        if (mismatch == null && ids != null && ids.size() != loaded.ntotal()) {
            mismatch = "id table has " + ids.size() + " entries, FAISS payload has " + loaded.ntotal() + " vectors";
        }
        if (mismatch != null) {
            FaissNative.vxdb_delete_index(loaded);
            throw new UncheckedIOException("corrupt index file " + file + ": " + mismatch,
                    new IOException(mismatch));
        }
        return new FaissVectorIndex(spec, loaded, ids);
    }

    /** Reads the payload prefix: -1 for native ids, else the count and the position-to-id table. */
    private static PositionIds readPositionIds(Path file, IndexFiles.Header header) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(prefix, IndexFileDescriptor.HEADER_LENGTH);
            long n = prefix.getLong(0);
            boolean expectNative = storesIdsNatively(header.spec());
            if (expectNative != (n == NATIVE_IDS) || n < NATIVE_IDS
                    || (n > 0 && Long.BYTES + n * Long.BYTES > header.payloadLength())) {
                throw new UncheckedIOException("corrupt index file " + file + ": bad id table length " + n,
                        new IOException("bad id table length " + n));
            }
            if (n == NATIVE_IDS) {
                return null;
            }
            PositionIds ids = new PositionIds();
            ids.readFrom(ch, IndexFileDescriptor.HEADER_LENGTH + Long.BYTES, n);
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Why the index FAISS read does not match the header, or null when it does. */
    private static String mismatch(IndexSpec spec, FaissIndex loaded) {
        if (loaded.d() != spec.dimension()) {
            return "header says dimension " + spec.dimension() + ", FAISS payload has " + loaded.d();
        }
        if (loaded.metric_type() != faissMetric(spec.metric())) {
            return "header metric " + spec.metric().label() + " does not match the FAISS payload";
        }
        int expectedKind = switch (spec.type()) {
            case FLAT -> FaissNative.KIND_FLAT;
            case HNSW_FLAT -> FaissNative.KIND_HNSW;
            default -> FaissNative.KIND_IVF;
        };
        if (FaissNative.vxdb_index_kind(loaded) != expectedKind) {
            return "FAISS payload is not a " + spec.description() + " index";
        }
        if (spec.type().isIvf() && FaissNative.vxdb_ivf_nlist(loaded) != spec.nlist()) {
            return "header says nlist " + spec.nlist() + ", FAISS payload has " + FaissNative.vxdb_ivf_nlist(loaded);
        }
        return null;
    }

    static String factoryString(IndexSpec spec) {
        return switch (spec.type()) {
            case FLAT -> "Flat";
            case HNSW_FLAT -> "HNSW" + spec.hnswM() + ",Flat";
            case IVF_FLAT, IVF_SQ8 -> spec.description();
            // "np": no polysemous training, which we never search with and which costs minutes.
            case IVF_PQ -> spec.description() + "np";
        };
    }

    static int faissMetric(Metric metric) {
        return metric == Metric.L2 ? FaissNative.METRIC_L2 : FaissNative.METRIC_INNER_PRODUCT;
    }

    @Override
    public String provider() {
        return "faiss";
    }

    @Override
    protected boolean trained() {
        return index.is_trained();
    }

    @Override
    protected void doTrain(MemorySegment vectors, int n) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment x = nativeRows(vectors, scratch);
            index.train(n, SegmentPointers.floats(x));
        }
    }

    /** An IVF add's list assignment, computed beside searches: the vectors' native copy and their lists. */
    private record IvfAssignment(Arena arena, MemorySegment x, MemorySegment lists) implements AddPreparation {
        @Override
        public void close() {
            arena.close();
        }
    }

    @Override
    protected AddPreparation prepareAdd(MemorySegment vectors, int n) {
        if (positionIds != null || !spec().type().isIvf()) {
            return null;
        }
        Arena arena = Arena.ofShared(); // made here, closed by the same add after its write lock
        try {
            MemorySegment x = nativeRows(vectors, arena);
            MemorySegment lists = arena.allocate(ValueLayout.JAVA_LONG, n);
            FaissNative.vxdb_ivf_assign(index, n, SegmentPointers.floats(x), SegmentPointers.longs(lists));
            return new IvfAssignment(arena, x, lists);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    protected void doAdd(MemorySegment ids, MemorySegment vectors, int n, AddPreparation prepared) {
        if (!(prepared instanceof IvfAssignment a)) {
            doAdd(ids, vectors, n);
            return;
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment xids = nativeCopyIfHeap(ids, scratch);
            FaissNative.vxdb_ivf_add_assigned(index, n, SegmentPointers.floats(a.x()), SegmentPointers.longs(xids),
                    SegmentPointers.longs(a.lists()));
        }
    }

    @Override
    protected void doAdd(MemorySegment ids, MemorySegment vectors, int n) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment x = nativeRows(vectors, scratch);
            if (positionIds == null) {
                MemorySegment xids = nativeCopyIfHeap(ids, scratch);
                index.add_with_ids(n, SegmentPointers.floats(x), SegmentPointers.longs(xids));
            } else {
                index.add(n, SegmentPointers.floats(x));
                positionIds.append(ids, n);
            }
        }
    }

    @Override
    protected void doSearch(MemorySegment queries, int nq, int k, SearchParams params, MemorySegment outIds,
                            MemorySegment outDistances) {
        if (efSearchGate != null) {
            efSearchGate.enter(efSearchFor(params));
        }
        try (Arena scratch = Arena.ofConfined();
             IDSelectorBitmap selector = selector(params.allowedIds(), scratch);
             SearchParameters nativeParams = searchParameters(params, selector)) {
            MemorySegment x = nativeRows(queries, scratch);
            MemorySegment labels = outIds.isNative() ? outIds : scratch.allocate(outIds.byteSize(), 8);
            MemorySegment distances = outDistances.isNative() ? outDistances
                    : scratch.allocate(outDistances.byteSize(), 4);
            index.search(nq, SegmentPointers.floats(x), k, SegmentPointers.floats(distances),
                    SegmentPointers.longs(labels), nativeParams);
            toVxdbResults(labels, distances, (long) nq * k);
            if (labels != outIds) {
                outIds.copyFrom(labels);
            }
            if (distances != outDistances) {
                outDistances.copyFrom(distances);
            }
        } finally {
            if (efSearchGate != null) {
                efSearchGate.exit();
            }
        }
    }

    private static int efSearchFor(SearchParams params) {
        return params.efSearch() > 0 ? params.efSearch() : DEFAULT_EF_SEARCH;
    }

    /** Per-call FAISS parameters (null = index defaults); closed, and so freed, after the search. */
    private SearchParameters searchParameters(SearchParams params, IDSelectorBitmap selector) {
        IndexType type = spec().type();
        if (type.isIvf() && (params.nprobe() > 0 || selector != null)) {
            SearchParametersIVF ivf = new SearchParametersIVF().nprobe(Math.max(1, params.nprobe()));
            if (selector != null) {
                ivf.sel(selector);
            }
            return ivf;
        }
        if (selector != null && type == IndexType.HNSW_FLAT) {
            // FAISS 1.7.3 HNSW insists on this type; it reads efSearch from the index (EfSearchGate)
            // but the value is kept in step in case a FAISS version honours it.
            SearchParametersHNSW hnsw = new SearchParametersHNSW().efSearch(efSearchFor(params));
            hnsw.sel(selector);
            return hnsw;
        }
        if (selector != null) {
            SearchParameters plain = new SearchParameters();
            plain.sel(selector);
            return plain;
        }
        return null;
    }

    /**
     * FAISS's view of the allowed-id bitmap: IVF labels are our ids, so the bitmap goes in as it is;
     * Flat and HNSW labels are row positions, so the bitmap is translated to positions unless every
     * row's id equals its position.
     */
    private IDSelectorBitmap selector(MemorySegment allowedIds, Arena scratch) {
        if (allowedIds == null) {
            return null;
        }
        MemorySegment bitmap = allowedIds;
        if (positionIds != null && !positionIds.isIdentity()) {
            long n = positionIds.size();
            bitmap = scratch.allocate(Math.max(1, (n + 7) / 8), 8);
            for (long p = 0; p < n; p++) {
                if (SearchParams.allows(allowedIds, positionIds.get(p))) {
                    long at = p >>> 3;
                    bitmap.set(ValueLayout.JAVA_BYTE, at, (byte) (bitmap.get(ValueLayout.JAVA_BYTE, at) | (1 << (p & 7))));
                }
            }
        } else if (!bitmap.isNative()) {
            bitmap = nativeCopyIfHeap(allowedIds, scratch);
        }
        return new IDSelectorBitmap(bitmap.byteSize(), SegmentPointers.bytes(bitmap));
    }

    /**
     * Turns row positions into ids, and FAISS scores into VxDB distances: FAISS gives squared L2
     * or a similarity, VxDB distances grow with dissimilarity.
     */
    private void toVxdbResults(MemorySegment labels, MemorySegment distances, long cells) {
        Metric metric = spec().metric();
        for (long i = 0; i < cells; i++) {
            long label = labels.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (label < 0) {
                distances.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.POSITIVE_INFINITY);
                continue;
            }
            if (positionIds != null) {
                labels.setAtIndex(ValueLayout.JAVA_LONG, i, positionIds.get(label));
            }
            if (metric != Metric.L2) {
                float similarity = distances.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                distances.setAtIndex(ValueLayout.JAVA_FLOAT, i,
                        metric == Metric.COSINE ? 1f - similarity : -similarity);
            }
        }
    }

    @Override
    protected long doRemove(MemorySegment ids, int n) {
        if (spec().type() == IndexType.HNSW_FLAT) {
            throw new UnsupportedOperationException(spec().description()
                    + " cannot remove vectors (FAISS HNSW graphs do not support removal): rebuild it without them");
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment selected;
            if (positionIds == null) {
                selected = nativeCopyIfHeap(ids, scratch);
            } else {
                long[] positions = positionIds.positionsOf(ids.toArray(ValueLayout.JAVA_LONG));
                if (positions.length == 0) {
                    return 0;
                }
                selected = scratch.allocate(ValueLayout.JAVA_LONG, positions.length);
                MemorySegment.copy(positions, 0, selected, ValueLayout.JAVA_LONG, 0, positions.length);
            }
            long count = selected.byteSize() / Long.BYTES;
            long removed;
            try (IDSelectorBatch selector = new IDSelectorBatch(count, SegmentPointers.longs(selected))) {
                removed = index.remove_ids(selector);
            }
            if (positionIds != null) {
                // IndexFlat compacts the remaining rows in order; mirror that in the id table.
                positionIds.removePositions(selected.toArray(ValueLayout.JAVA_LONG));
            }
            return removed;
        }
    }

    @Override
    protected long doCount() {
        return index.ntotal();
    }

    @Override
    protected void doReset() {
        index.reset();
        if (positionIds != null) {
            positionIds.clear();
        }
    }

    @Override
    protected void doSave(Path path) {
        // The efSearch field is saved with an HNSW index: store the default, not a search's value.
        if (efSearchGate != null) {
            efSearchGate.enter(DEFAULT_EF_SEARCH);
        }
        try {
            writeFile(path);
        } finally {
            if (efSearchGate != null) {
                efSearchGate.exit();
            }
        }
    }

    private void writeFile(Path path) {
        IndexFiles.write(path, IndexFileDescriptor.ENGINE_FAISS, spec(), index.ntotal(), (file, offset) -> {
            long faissOffset = offset + Long.BYTES;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer prefix = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(0, positionIds == null ? NATIVE_IDS : positionIds.size());
                ch.write(prefix, offset);
                if (positionIds != null) {
                    faissOffset += positionIds.writeTo(ch, faissOffset);
                }
            }
            FaissNative.vxdb_write_index_at(index, file.toString(), faissOffset);
        });
    }

    @Override
    protected void doClose() {
        FaissNative.vxdb_delete_index(index);
        index = null;
    }

    /** Rows as FAISS needs them: in place when native, else (or for cosine) a normalised scratch copy. */
    private MemorySegment nativeRows(MemorySegment rows, Arena scratch) {
        if (spec().metric() != Metric.COSINE) {
            return nativeCopyIfHeap(rows, scratch);
        }
        MemorySegment copy = scratch.allocate(rows.byteSize(), 64);
        copy.copyFrom(rows);
        int dim = spec().dimension();
        float[] row = new float[dim];
        long rowBytes = spec().vectorBytes();
        for (long off = 0; off < copy.byteSize(); off += rowBytes) {
            MemorySegment.copy(copy, ValueLayout.JAVA_FLOAT, off, row, 0, dim);
            LinearIndex.normalize(row);
            MemorySegment.copy(row, 0, copy, ValueLayout.JAVA_FLOAT, off, dim);
        }
        return copy;
    }

    private static MemorySegment nativeCopyIfHeap(MemorySegment segment, Arena scratch) {
        if (segment.isNative()) {
            return segment;
        }
        MemorySegment copy = scratch.allocate(segment.byteSize(), 64);
        copy.copyFrom(segment);
        return copy;
    }
}
