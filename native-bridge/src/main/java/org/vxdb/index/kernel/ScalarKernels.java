package org.vxdb.index.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain loops with four independent accumulators, so the adds do not wait on each other. */
public final class ScalarKernels implements VectorKernels {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float squaredL2(float[] q, MemorySegment data, long off) {
        int d = q.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 4 <= d; i += 4) {
            long o = off + (long) i * Float.BYTES;
            float d0 = q[i] - data.get(FLOAT, o);
            float d1 = q[i + 1] - data.get(FLOAT, o + 4);
            float d2 = q[i + 2] - data.get(FLOAT, o + 8);
            float d3 = q[i + 3] - data.get(FLOAT, o + 12);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < d; i++) {
            float t = q[i] - data.get(FLOAT, off + (long) i * Float.BYTES);
            s0 += t * t;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float dot(float[] q, MemorySegment data, long off) {
        int d = q.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 4 <= d; i += 4) {
            long o = off + (long) i * Float.BYTES;
            s0 += q[i] * data.get(FLOAT, o);
            s1 += q[i + 1] * data.get(FLOAT, o + 4);
            s2 += q[i + 2] * data.get(FLOAT, o + 8);
            s3 += q[i + 3] * data.get(FLOAT, o + 12);
        }
        for (; i < d; i++) {
            s0 += q[i] * data.get(FLOAT, off + (long) i * Float.BYTES);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
