package org.vxdb.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Top-k results of {@code nq} queries: row-major {@code nq x k} ids (int64) and distances (float32),
 * closest first. Where fewer than k vectors exist the row is padded with id {@link #NO_ID} and
 * distance {@code +Infinity}. The segments belong to whatever allocator the caller passed in.
 */
public record SearchResults(int queries, int k, MemorySegment ids, MemorySegment distances) {

    public static final long NO_ID = -1L;

    public long id(int query, int rank) {
        return ids.getAtIndex(ValueLayout.JAVA_LONG, (long) query * k + rank);
    }

    public float distance(int query, int rank) {
        return distances.getAtIndex(ValueLayout.JAVA_FLOAT, (long) query * k + rank);
    }

    /** Number of real (non-padding) results for one query. */
    public int found(int query) {
        int n = 0;
        while (n < k && id(query, n) != NO_ID) {
            n++;
        }
        return n;
    }

    public long[] idsOf(int query) {
        long[] out = new long[k];
        MemorySegment.copy(ids, ValueLayout.JAVA_LONG, (long) query * k * Long.BYTES, out, 0, k);
        return out;
    }

    public float[] distancesOf(int query) {
        float[] out = new float[k];
        MemorySegment.copy(distances, ValueLayout.JAVA_FLOAT, (long) query * k * Float.BYTES, out, 0, k);
        return out;
    }
}
