package org.vxdb.index.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Distance kernels between a heap query and a row stored in a {@link MemorySegment} (off-heap
 * buffer or mapped file), read in place. The row length is {@code query.length}.
 */
public interface VectorKernels {

    /** {@code "panama"} (Vector API) or {@code "scalar"}. */
    String name();

    float squaredL2(float[] query, MemorySegment data, long byteOffset);

    float dot(float[] query, MemorySegment data, long byteOffset);

    /**
     * Squared L2 from the query to {@code rows} consecutive rows starting at {@code byteOffset},
     * into {@code out[0..rows)}. One call per block keeps the per-row work inside one compiled loop.
     */
    default void squaredL2(float[] query, MemorySegment data, long byteOffset, int rows, float[] out) {
        long rowBytes = (long) query.length * Float.BYTES;
        for (int r = 0; r < rows; r++) {
            out[r] = squaredL2(query, data, byteOffset + r * rowBytes);
        }
    }

    /** Dot products from the query to {@code rows} consecutive rows, into {@code out[0..rows)}. */
    default void dot(float[] query, MemorySegment data, long byteOffset, int rows, float[] out) {
        long rowBytes = (long) query.length * Float.BYTES;
        for (int r = 0; r < rows; r++) {
            out[r] = dot(query, data, byteOffset + r * rowBytes);
        }
    }
}
