package org.vxdb.storage.shard;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.roaringbitmap.RoaringBitmap;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.metaindex.FilterEvaluator;
import org.vxdb.storage.metaindex.MetadataIndexSet;
import org.vxdb.storage.segment.Segment;

/**
 * What a search reads of a shard, as of one moment: the sealed segments, the frozen buffers, the
 * memory buffer (whose rows below its published size are readable while the writer appends), the
 * metadata indexes, the row state and the vector index. Immutable apart from what only grows (the
 * buffer's rows, the dead-row bitmap, the index's covered rows). {@link ShardViews} publishes a new
 * view through one volatile field whenever one of these is replaced; searches read a view without
 * the shard's lock, holding a reference, and whatever a later view dropped (a sealed buffer, a grown
 * buffer's old copy, compacted segments, a replaced index) is closed only once no search holds a
 * view that may read it.
 */
final class ShardView {

    final List<SealedSegment> sealed;
    final List<FrozenBuffer> frozen;
    final MemoryBuffer buffer;
    final long bufferBase;
    /** The buffer's growing metadata indexes: read and written holding their monitor. */
    final MetadataIndexSet bufferMeta;
    /** Metadata indexes of the sealed segments, by segment file (a segment may have none). */
    final Map<String, MetadataIndexSet> segmentMeta;
    /** Newest row per id and the dead rows; searches read only {@link RowState#dead} and the live count. */
    final RowState state;
    /** The index over the first sealed rows, or null (exact scans). */
    final ShardIndex index;
    private final long rowBytes;

    /** Held by the shard while the view is current and by each search reading it; 0: released for good. */
    private final AtomicInteger refs = new AtomicInteger(1);
    /** The view published after this one, and what that publication dropped (set once, by {@link ShardViews}). */
    ShardView next;
    List<AutoCloseable> dropped = List.of();

    ShardView(List<SealedSegment> sealed, List<FrozenBuffer> frozen, MemoryBuffer buffer, long bufferBase,
              MetadataIndexSet bufferMeta, Map<String, MetadataIndexSet> segmentMeta, RowState state, ShardIndex index,
              int dimension) {
        this.sealed = List.copyOf(sealed);
        this.frozen = List.copyOf(frozen);
        this.buffer = buffer;
        this.bufferBase = bufferBase;
        this.bufferMeta = bufferMeta;
        this.segmentMeta = Map.copyOf(segmentMeta);
        this.state = state;
        this.index = index;
        this.rowBytes = (long) dimension * Float.BYTES;
    }

    /** Takes a reference unless the view was released for good (then a newer one is current). */
    boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; true when it was the last one. */
    boolean releaseRef() {
        int n = refs.decrementAndGet();
        if (n < 0) {
            throw new IllegalStateException("shard view released more often than retained");
        }
        return n == 0;
    }

    boolean released() {
        return refs.get() == 0;
    }

    /** Fails when the view is read after its last reference went: what it names may be closed. */
    void checkHeld() {
        if (released()) {
            throw new IllegalStateException("shard view read after it was released");
        }
    }

    /** One past the last sealed row. */
    long sealedEnd() {
        return sealed.isEmpty() ? 0 : sealed.getLast().end();
    }

    /** Rows the index covers that this view's segments hold (an index may already cover later segments). */
    long covered() {
        return index == null ? 0 : Math.min(index.coveredRows, sealedEnd());
    }

    // ---- rows by global number ----

    /** A buffered row: the live or a frozen buffer holding it and its row number there. */
    private record Buffered(MemoryBuffer rows, int local) {
    }

    /** The buffer (live or frozen) holding {@code row}, or null when a sealed segment holds it. */
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

    long idOf(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().id(b.local());
        }
        SealedSegment s = segmentOf(sealed, row);
        return s.segment().id(row - s.base());
    }

    long versionOf(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().version(b.local());
        }
        SealedSegment s = segmentOf(sealed, row);
        return s.segment().version(row - s.base());
    }

    boolean isTombstoneRow(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().isTombstone(b.local());
        }
        SealedSegment s = segmentOf(sealed, row);
        return s.segment().isTombstone(row - s.base());
    }

    MemorySegment metadataOf(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().metadata(b.local());
        }
        SealedSegment s = segmentOf(sealed, row);
        return s.segment().metadata(row - s.base());
    }

    float[] vectorOf(long row) {
        return vectorSegment(row).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** The stored vector of {@code row}, in place (a slice of its buffer or mapped segment). */
    MemorySegment vectorSegment(long row) {
        Buffered b = buffered(row);
        if (b != null) {
            return b.rows().vector(b.local());
        }
        SealedSegment s = segmentOf(sealed, row);
        return s.segment().vectors().asSlice((row - s.base()) * rowBytes, rowBytes);
    }

    static SealedSegment segmentOf(List<SealedSegment> segments, long row) {
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

    // ---- parts, as the filter evaluator sees them ----

    /**
     * A segment or a buffer as the filter evaluator sees it, with where its rows start. A buffer's
     * indexes still grow (the live buffer's with each write, a frozen one's until its seal freezes
     * them), so they are {@code guarded}: read holding their monitor, as the writer changes them.
     */
    record Part(long base, int rows, MetadataIndexSet indexes, MetadataIndexSet.RowMetadata meta,
                MemorySegment vectors, boolean guarded) implements FilterEvaluator.RowSource {
        @Override
        public MemorySegment metadata(int row) {
            return meta.metadata(row);
        }

        /** The part's rows the filter matches (a copy the caller owns), none at or past {@link #rows}. */
        RoaringBitmap matching(Filter filter) {
            if (!guarded || indexes == null) {
                return FilterEvaluator.evaluate(filter, this);
            }
            RoaringBitmap copy;
            synchronized (indexes) {
                copy = FilterEvaluator.evaluate(filter, this).clone();
            }
            copy.remove(rows, Integer.MAX_VALUE); // indexed after this part's rows were counted
            return copy;
        }

        double estimate(Filter filter) {
            if (!guarded || indexes == null) {
                return FilterEvaluator.estimate(filter, this);
            }
            synchronized (indexes) {
                return FilterEvaluator.estimate(filter, this);
            }
        }

        /** Sets the bits of the matching rows in {@code bits}, each at {@code offset} + its local row. */
        void matchingInto(Filter filter, long[] bits, long offset) {
            if (!guarded || indexes == null) {
                FilterEvaluator.evaluateInto(filter, this, bits, offset);
                return;
            }
            matching(filter).forEach((int r) -> {
                long row = offset + r;
                bits[(int) (row >>> 6)] |= 1L << (row & 63);
            });
        }
    }

    /** Every segment and buffer of the view, in row order, with the buffer's rows as written so far. */
    List<Part> parts() {
        List<Part> parts = new ArrayList<>(sealed.size() + frozen.size() + 1);
        for (SealedSegment s : sealed) {
            Segment seg = s.segment();
            parts.add(new Part(s.base(), (int) seg.count(), segmentMeta.get(s.file()), seg::metadata, seg.vectors(),
                    false));
        }
        for (FrozenBuffer f : frozen) {
            MemoryBuffer b = f.rows();
            parts.add(new Part(f.base(), b.size(), f.meta(), b::metadata, b.vectors(), true));
        }
        parts.add(bufferPart());
        return parts;
    }

    /** The memory buffer's part, with the rows written so far. */
    private Part bufferPart() {
        MemoryBuffer b = buffer;
        return new Part(bufferBase, b.size(), bufferMeta, b::metadata, b.vectors(), true);
    }

    /**
     * {@code parts} (from {@link #parts}) with the buffer's rows counted again. A search scans the
     * buffer last and counts its rows then: a row it found dead earlier had its new version appended
     * to the buffer before it died, so that version is among them.
     */
    List<Part> withBufferNow(List<Part> parts) {
        List<Part> now = new ArrayList<>(parts);
        now.set(now.size() - 1, bufferPart());
        return now;
    }
}
