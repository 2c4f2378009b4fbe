package org.vxdb.index.faiss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Row position to id for FAISS indexes that number rows themselves (Flat, HNSW): a growable
 * primitive array, so translating a search result is one array read and nothing is boxed.
 */
final class PositionIds {

    private long[] ids = new long[1024];
    private int size;
    /** True while every row's id equals its position (the common case for storage shards). */
    private boolean identity = true;

    long size() {
        return size;
    }

    long get(long position) {
        return ids[(int) position];
    }

    void append(MemorySegment newIds, int n) {
        if ((long) size + n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("index holds " + size + " vectors; cannot add " + n + " more");
        }
        if (size + n > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(size + n, Math.min(Integer.MAX_VALUE - 8, ids.length * 2)));
        }
        MemorySegment.copy(newIds, ValueLayout.JAVA_LONG, 0, ids, size, n);
        for (int i = size; identity && i < size + n; i++) {
            identity = ids[i] == i;
        }
        size += n;
    }

    /** Positions (ascending) whose id is in {@code doomed}. */
    long[] positionsOf(long[] doomed) {
        long[] sorted = doomed.clone();
        Arrays.sort(sorted);
        long[] out = new long[16];
        int n = 0;
        for (int p = 0; p < size; p++) {
            if (Arrays.binarySearch(sorted, ids[p]) >= 0) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = p;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Drops the given ascending positions, keeping the order of the rest (as IndexFlat does). */
    void removePositions(long[] ascending) {
        int write = 0;
        int next = 0;
        for (int p = 0; p < size; p++) {
            if (next < ascending.length && ascending[next] == p) {
                next++;
                continue;
            }
            ids[write++] = ids[p];
        }
        size = write;
        identity = true;
        for (int i = 0; identity && i < size; i++) {
            identity = ids[i] == i;
        }
    }

    void clear() {
        size = 0;
        identity = true;
    }

    boolean isIdentity() {
        return identity;
    }

    /** Writes the table at {@code offset}; returns the bytes written. */
    long writeTo(FileChannel ch, long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        long pos = offset;
        for (int i = 0; i < size; i++) {
            if (!buf.hasRemaining()) {
                pos += flush(ch, buf, pos);
            }
            buf.putLong(ids[i]);
        }
        pos += flush(ch, buf, pos);
        return pos - offset;
    }

    void readFrom(FileChannel ch, long offset, long n) throws IOException {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IOException("id table of " + n + " entries is too large");
        }
        ids = new long[(int) Math.max(n, 1024)];
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        long pos = offset;
        int filled = 0;
        while (filled < n) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), (n - filled) * Long.BYTES));
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) {
                    throw new IOException("id table ends early at byte " + (pos + buf.position()));
                }
            }
            pos += buf.limit();
            buf.flip();
            while (buf.hasRemaining()) {
                ids[filled++] = buf.getLong();
            }
        }
        size = (int) n;
        identity = true;
        for (int i = 0; identity && i < size; i++) {
            identity = ids[i] == i;
        }
    }

    private static int flush(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        buf.flip();
        int n = buf.remaining();
        long p = pos;
        while (buf.hasRemaining()) {
            p += ch.write(buf, p);
        }
        buf.clear();
        return n;
    }
}
