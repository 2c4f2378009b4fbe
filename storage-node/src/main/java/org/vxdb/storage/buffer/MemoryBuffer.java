package org.vxdb.storage.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.storage.memory.StorageEstimates;

/**
 * The newest rows of a shard, off-heap and append-only, until they are sealed into a segment.
 * One writer appends; any number of readers scan rows {@code [0, size())} concurrently. A row is
 * fully written before {@code size} is published (a volatile write), so a reader never sees a
 * half-written row. Rows never move: vectors, ids, versions and flags sit in arrays allocated once
 * for the buffer's capacity; metadata sits in 1 MiB pages that are never reallocated. A shard that
 * needs more room copies the rows into a larger buffer ({@link #grown}) while no reader holds it.
 */
public final class MemoryBuffer implements AutoCloseable {

    public static final byte FLAG_TOMBSTONE = 1;
    private static final int PAGE_BYTES = 1 << 20;
    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);

    private final int dimension;
    private final int capacity;
    private final long rowBytes;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment vectors;
    private final MemorySegment ids;
    private final MemorySegment versions;
    private final MemorySegment flags;
    /** Per row: page index (high 32 bits) and offset in page (low 32 bits) of its metadata. */
    private final long[] metadataAt;
    private final int[] metadataLength;
    private final List<MemorySegment> pages = new ArrayList<>();
    private long pageUsed = PAGE_BYTES;
    private long metadataBytes;
    private final long createdNanos;
    private volatile int size;
    private boolean closed;
    private final AutoCloseable reservation;

    /** Native bytes a buffer of this shape allocates up front (metadata pages come on top). */
    public static long bytesFor(int dimension, int capacity) {
        return StorageEstimates.bufferBytes(dimension, capacity);
    }

    public MemoryBuffer(int dimension, int capacity) {
        this(dimension, capacity, null);
    }

    /** A buffer that releases {@code reservation} (its share of a memory budget) when closed. */
    public MemoryBuffer(int dimension, int capacity, AutoCloseable reservation) {
        this(dimension, capacity, reservation, System.nanoTime());
    }

    private MemoryBuffer(int dimension, int capacity, AutoCloseable reservation, long createdNanos) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be >= 1 row, got " + capacity);
        }
        this.dimension = dimension;
        this.capacity = capacity;
        this.rowBytes = (long) dimension * Float.BYTES;
        this.vectors = arena.allocate(rowBytes * capacity, 64);
        this.ids = arena.allocate(ValueLayout.JAVA_LONG, capacity);
        this.versions = arena.allocate(ValueLayout.JAVA_LONG, capacity);
        this.flags = arena.allocate(capacity, 1);
        this.metadataAt = new long[capacity];
        this.metadataLength = new int[capacity];
        this.reservation = reservation;
        this.createdNanos = createdNanos;
    }

    /**
     * A buffer of {@code capacity} rows holding a copy of this one's rows, as old as this one (its
     * age drives time-based seals). The caller closes this one afterwards; no reader may hold it
     * while the copy is made.
     */
    public MemoryBuffer grown(int capacity, AutoCloseable reservation) {
        if (capacity < size) {
            throw new IllegalArgumentException("cannot grow a buffer of " + size + " rows to " + capacity);
        }
        MemoryBuffer bigger = new MemoryBuffer(dimension, capacity, reservation, createdNanos);
        try {
            for (int r = 0; r < size; r++) {
                bigger.append(id(r), version(r), flags(r), vectors, r * rowBytes, metadata(r));
            }
        } catch (RuntimeException e) {
            bigger.close();
            throw e;
        }
        return bigger;
    }

    public int dimension() {
        return dimension;
    }

    public int capacity() {
        return capacity;
    }

    /** Rows visible to readers. */
    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == capacity;
    }

    /** Bytes held: vectors, ids, versions and flags of the rows so far, plus their metadata. */
    public long bytes() {
        return (long) size * (rowBytes + 17) + metadataBytes;
    }

    public long ageNanos() {
        return System.nanoTime() - createdNanos;
    }

    /**
     * Appends one row (single writer). {@code vector} holds {@code dimension} float32 values at
     * {@code vectorOffset}; it is copied. Returns the row number.
     */
    public int append(long id, long version, byte rowFlags, MemorySegment vector, long vectorOffset,
                      MemorySegment metadata) {
        if (closed) {
            throw new IllegalStateException("memory buffer is closed");
        }
        int row = size;
        if (row == capacity) {
            throw new IllegalStateException("memory buffer is full (" + capacity + " rows)");
        }
        MemorySegment.copy(vector, vectorOffset, vectors, row * rowBytes, rowBytes);
        ids.setAtIndex(ValueLayout.JAVA_LONG, row, id);
        versions.setAtIndex(ValueLayout.JAVA_LONG, row, version);
        flags.set(ValueLayout.JAVA_BYTE, row, rowFlags);
        storeMetadata(row, metadata);
        size = row + 1; // publish
        return row;
    }

    private void storeMetadata(int row, MemorySegment metadata) {
        long len = metadata == null ? 0 : metadata.byteSize();
        if (len > PAGE_BYTES) {
            throw new IllegalArgumentException("metadata of " + len + " bytes exceeds the " + PAGE_BYTES + "-byte page");
        }
        if (len == 0) {
            metadataAt[row] = 0;
            metadataLength[row] = 0;
            return;
        }
        if (pageUsed + len > PAGE_BYTES) {
            pages.add(arena.allocate(PAGE_BYTES, 8));
            pageUsed = 0;
        }
        int page = pages.size() - 1;
        MemorySegment.copy(metadata, 0, pages.get(page), pageUsed, len);
        metadataAt[row] = ((long) page << 32) | pageUsed;
        metadataLength[row] = (int) len;
        pageUsed += len;
        metadataBytes += len;
    }

    public long id(int row) {
        return ids.getAtIndex(ValueLayout.JAVA_LONG, row);
    }

    public long version(int row) {
        return versions.getAtIndex(ValueLayout.JAVA_LONG, row);
    }

    public byte flags(int row) {
        return flags.get(ValueLayout.JAVA_BYTE, row);
    }

    public boolean isTombstone(int row) {
        return (flags(row) & FLAG_TOMBSTONE) != 0;
    }

    /** The row's vector, read in place. */
    public MemorySegment vector(int row) {
        return vectors.asSlice(row * rowBytes, rowBytes);
    }

    /** All vectors, for scans: row r starts at byte {@code r * dimension * 4}. */
    public MemorySegment vectors() {
        return vectors;
    }

    public MemorySegment metadata(int row) {
        int len = metadataLength[row];
        if (len == 0) {
            return EMPTY;
        }
        long at = metadataAt[row];
        return pages.get((int) (at >>> 32)).asSlice(at & 0xFFFF_FFFFL, len);
    }

    /** Total metadata bytes of rows {@code [0, rows)}. */
    public long metadataBytes() {
        return metadataBytes;
    }

    /** Columns of rows {@code [0, rows)} for sealing, metadata concatenated with count+1 offsets. */
    public Columns columns(int rows, Arena target) {
        MemorySegment meta = target.allocate(Math.max(1, metadataBytes), 8).asSlice(0, metadataBytes);
        MemorySegment offsets = target.allocate(ValueLayout.JAVA_LONG, rows + 1L);
        long pos = 0;
        for (int r = 0; r < rows; r++) {
            offsets.setAtIndex(ValueLayout.JAVA_LONG, r, pos);
            MemorySegment m = metadata(r);
            MemorySegment.copy(m, 0, meta, pos, m.byteSize());
            pos += m.byteSize();
        }
        offsets.setAtIndex(ValueLayout.JAVA_LONG, rows, pos);
        return new Columns(rows, vectors.asSlice(0, rows * rowBytes), ids.asSlice(0, rows * 8L),
                versions.asSlice(0, rows * 8L), flags.asSlice(0, rows), meta.asSlice(0, pos), offsets);
    }

    /** A buffer's rows as column segments (views of the buffer, plus copied metadata). */
    public record Columns(int rows, MemorySegment vectors, MemorySegment ids, MemorySegment versions,
                          MemorySegment flags, MemorySegment metadata, MemorySegment metadataOffsets) {
    }

    /** Frees the off-heap memory. Readers must be done with the buffer (the shard ensures it). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
            if (reservation != null) {
                try {
                    reservation.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot release the buffer's memory reservation", e);
                }
            }
        }
    }
}
