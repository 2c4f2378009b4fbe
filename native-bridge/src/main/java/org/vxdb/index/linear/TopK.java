package org.vxdb.index.linear;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The k smallest (distance, id) pairs seen so far: a binary max-heap on primitive arrays, ties
 * broken by the lower id so results are deterministic. {@link #worst()} is the admission bar a
 * scan checks before calling {@link #offer}.
 */
final class TopK {

    private final int k;
    private final float[] distances;
    private final long[] ids;
    private int size;

    TopK(int k) {
        this.k = k;
        this.distances = new float[k];
        this.ids = new long[k];
    }

    void clear() {
        size = 0;
    }

    /** Distance a candidate must not exceed to have a chance of entering. */
    float worst() {
        return size < k ? Float.POSITIVE_INFINITY : distances[0];
    }

    void offer(float distance, long id) {
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
    void drainTo(MemorySegment outIds, MemorySegment outDistances, long row) {
        long base = row * k;
        for (int r = size; r < k; r++) {
            outIds.setAtIndex(ValueLayout.JAVA_LONG, base + r, -1L);
            outDistances.setAtIndex(ValueLayout.JAVA_FLOAT, base + r, Float.POSITIVE_INFINITY);
        }
        for (int r = size - 1; r >= 0; r--) {
            outIds.setAtIndex(ValueLayout.JAVA_LONG, base + r, ids[0]);
            outDistances.setAtIndex(ValueLayout.JAVA_FLOAT, base + r, distances[0]);
            size--;
            distances[0] = distances[size];
            ids[0] = ids[size];
            siftDown(0);
        }
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
