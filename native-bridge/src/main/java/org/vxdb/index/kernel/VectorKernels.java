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
}
