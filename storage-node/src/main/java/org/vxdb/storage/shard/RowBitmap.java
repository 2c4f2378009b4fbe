package org.vxdb.storage.shard;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A growable bitmap over a shard's global row numbers, safe for one writer and many readers:
 * bits are set atomically and chunks are published before any row in them is. Used to mark rows
 * that are superseded by a newer version, deleted, or tombstones themselves.
 */
public final class RowBitmap {

    private static final int CHUNK_BITS = 1 << 22; // 4 Mi rows, 512 KiB per chunk
    private static final int WORDS_PER_CHUNK = CHUNK_BITS / 64;
    private static final int MAX_CHUNKS = 1 << 12; // 16 Gi rows

    private final AtomicReferenceArray<AtomicLongArray> chunks = new AtomicReferenceArray<>(MAX_CHUNKS);
    /** Written by the one writer, read by searches without a lock (a stale 0 would skip the dead rows). */
    private volatile long cardinality;

    /** Sets the bit of {@code row}; returns false when it was already set. */
    public boolean set(long row) {
        int c = chunkOf(row);
        AtomicLongArray chunk = chunks.get(c);
        if (chunk == null) {
            chunk = new AtomicLongArray(WORDS_PER_CHUNK);
            chunks.set(c, chunk);
        }
        int word = (int) ((row % CHUNK_BITS) >>> 6);
        long mask = 1L << (row & 63);
        long before = chunk.getAndUpdate(word, w -> w | mask);
        if ((before & mask) != 0) {
            return false;
        }
        cardinality++;
        return true;
    }

    public boolean get(long row) {
        AtomicLongArray chunk = chunks.get(chunkOf(row));
        return chunk != null && (chunk.get((int) ((row % CHUNK_BITS) >>> 6)) & (1L << (row & 63))) != 0;
    }

    /** The 64 bits of rows {@code [64 * word, 64 * word + 64)}; bit i is row {@code 64 * word + i}. */
    public long word(long word) {
        long row = word << 6;
        AtomicLongArray chunk = chunks.get(chunkOf(row));
        return chunk == null ? 0 : chunk.get((int) ((row % CHUNK_BITS) >>> 6));
    }

    /** Bits set so far (writer's view). */
    public long cardinality() {
        return cardinality;
    }

    private static int chunkOf(long row) {
        if (row < 0) {
            throw new IndexOutOfBoundsException("row " + row + " is negative");
        }
        long c = row / CHUNK_BITS;
        if (c >= MAX_CHUNKS) {
            throw new IndexOutOfBoundsException("row " + row + " is beyond the bitmap's " + (long) MAX_CHUNKS * CHUNK_BITS
                    + " rows");
        }
        return (int) c;
    }
}
