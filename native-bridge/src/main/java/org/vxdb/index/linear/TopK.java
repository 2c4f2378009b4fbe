package org.vxdb.index.linear;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The k smallest (distance, id) pairs seen so far: a binary max-heap on primitive arrays, ties
 * broken by the lower id so results are deterministic. {@link #worst()} is the admission bar a
 * scan checks before calling {@link #offer}. Not thread-safe: one per search.
 */
public final class TopK {

    private final int k;
    private final float[] distances;
    private final long[] ids;
    private int size;
    private long[] sortedIds;
    private float[] sortedDistances;

    public TopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.k = k;
        this.distances = new float[k];
        this.ids = new long[k];
    }

    public void clear() {
        size = 0;
    }

    /** Distance a candidate must not exceed to have a chance of entering. */
    public float worst() {
        return size < k ? Float.POSITIVE_INFINITY : distances[0];
    }

    public void offer(float distance, long id) {
        if (size < k) {
            distances[size] = distance;
            ids[size] = id;
            siftUp(size++);
        } else if (after(distances[0], ids[0], distance, id)) {
            distances[0] = distance;
            ids[0] = id;
            siftDown(0);
        }
    }

    /** Writes the results closest first into row {@code row} of the outputs, padding with -1 / +Inf. */
    public void drainTo(MemorySegment outIds, MemorySegment outDistances, long row) {
        if (sortedIds == null) {
            sortedIds = new long[k];
            sortedDistances = new float[k];
        }
        int n = drain(sortedIds, sortedDistances);
        long base = row * k;
        for (int r = 0; r < k; r++) {
            outIds.setAtIndex(ValueLayout.JAVA_LONG, base + r, r < n ? sortedIds[r] : -1L);
            outDistances.setAtIndex(ValueLayout.JAVA_FLOAT, base + r, r < n ? sortedDistances[r] : Float.POSITIVE_INFINITY);
        }
    }

    public int size() {
        return size;
    }

    /**
     * Moves the results, closest first, into {@code ids} and {@code distances} (each at least
     * {@link #size()} long) and empties this heap; returns how many there were.
     */
    public int drain(long[] ids, float[] distances) {
        int n = size;
        for (int r = n - 1; r >= 0; r--) {
            ids[r] = this.ids[0];
            distances[r] = this.distances[0];
            size--;
            this.distances[0] = this.distances[size];
            this.ids[0] = this.ids[size];
            siftDown(0);
        }
        return n;
    }

    /** True when (d1, id1) ranks after (d2, id2). */
    private static boolean after(float d1, long id1, float d2, long id2) {
        return d1 > d2 || (d1 == d2 && id1 > id2);
    }

    private void siftUp(int i) {
        float d = distances[i];
        long id = ids[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!after(d, id, distances[parent], ids[parent])) {
                break;
            }
            distances[i] = distances[parent];
            ids[i] = ids[parent];
            i = parent;
        }
        distances[i] = d;
        ids[i] = id;
    }

    private void siftDown(int i) {
        float d = distances[i];
        long id = ids[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && after(distances[right], ids[right], distances[child], ids[child])) {
                child = right;
            }
            if (!after(distances[child], ids[child], d, id)) {
                break;
            }
            distances[i] = distances[child];
            ids[i] = ids[child];
            i = child;
        }
        distances[i] = d;
        ids[i] = id;
    }
}
