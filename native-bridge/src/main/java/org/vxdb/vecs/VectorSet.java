package org.vxdb.vecs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code count} packed float32 rows of {@code dimension} floats in {@code data}. */
public record VectorSet(int dimension, int count, MemorySegment data) {

    public long rowBytes() {
        return (long) dimension * Float.BYTES;
    }

    public MemorySegment rows(int from, int to) {
        return data.asSlice(from * rowBytes(), (to - from) * rowBytes());
    }

    public float[] row(int i) {
        float[] out = new float[dimension];
        MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, i * rowBytes(), out, 0, dimension);
        return out;
    }
}
