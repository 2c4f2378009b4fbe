package org.vxdb.index.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels at the machine's preferred width, four accumulators deep so that the
 * fused multiply-adds overlap. Rows are loaded straight from the segment; the query stays on heap
 * where it sits in L1 for the whole scan. Loaded only when {@code jdk.incubator.vector} is present.
 */
public final class PanamaKernels implements VectorKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    @Override
    public String name() {
        return "panama";
    }

    /** Vector width in bits, for the provider's log line. */
    public static int bits() {
        return SPECIES.vectorBitSize();
    }

    @Override
    public float squaredL2(float[] q, MemorySegment data, long off) {
        int d = q.length;
        int i = 0;
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        for (; i + 4 * LANES <= d; i += 4 * LANES) {
            long o = off + (long) i * Float.BYTES;
            FloatVector d0 = FloatVector.fromArray(SPECIES, q, i)
                    .sub(FloatVector.fromMemorySegment(SPECIES, data, o, ORDER));
            FloatVector d1 = FloatVector.fromArray(SPECIES, q, i + LANES)
                    .sub(FloatVector.fromMemorySegment(SPECIES, data, o + LANES * 4L, ORDER));
            FloatVector d2 = FloatVector.fromArray(SPECIES, q, i + 2 * LANES)
                    .sub(FloatVector.fromMemorySegment(SPECIES, data, o + 2 * LANES * 4L, ORDER));
            FloatVector d3 = FloatVector.fromArray(SPECIES, q, i + 3 * LANES)
                    .sub(FloatVector.fromMemorySegment(SPECIES, data, o + 3 * LANES * 4L, ORDER));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; i + LANES <= d; i += LANES) {
            FloatVector diff = FloatVector.fromArray(SPECIES, q, i)
                    .sub(FloatVector.fromMemorySegment(SPECIES, data, off + (long) i * Float.BYTES, ORDER));
            acc0 = diff.fma(diff, acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < d; i++) {
            float t = q[i] - data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + (long) i * Float.BYTES);
            sum += t * t;
        }
        return sum;
    }

    @Override
    public void squaredL2(float[] q, MemorySegment data, long off, int rows, float[] out) {
        int d = q.length;
        long rowBytes = (long) d * Float.BYTES;
        int full = d - d % (4 * LANES);
        for (int r = 0; r < rows; r++) {
            long o = off + r * rowBytes;
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int i = 0;
            for (; i < full; i += 4 * LANES) {
                long p = o + i * 4L;
                FloatVector d0 = FloatVector.fromArray(SPECIES, q, i)
                        .sub(FloatVector.fromMemorySegment(SPECIES, data, p, ORDER));
                FloatVector d1 = FloatVector.fromArray(SPECIES, q, i + LANES)
                        .sub(FloatVector.fromMemorySegment(SPECIES, data, p + LANES * 4L, ORDER));
                FloatVector d2 = FloatVector.fromArray(SPECIES, q, i + 2 * LANES)
                        .sub(FloatVector.fromMemorySegment(SPECIES, data, p + 2 * LANES * 4L, ORDER));
                FloatVector d3 = FloatVector.fromArray(SPECIES, q, i + 3 * LANES)
                        .sub(FloatVector.fromMemorySegment(SPECIES, data, p + 3 * LANES * 4L, ORDER));
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
                acc2 = d2.fma(d2, acc2);
                acc3 = d3.fma(d3, acc3);
            }
            FloatVector acc = acc0.add(acc1).add(acc2.add(acc3));
            for (; i + LANES <= d; i += LANES) {
                FloatVector diff = FloatVector.fromArray(SPECIES, q, i)
                        .sub(FloatVector.fromMemorySegment(SPECIES, data, o + i * 4L, ORDER));
                acc = diff.fma(diff, acc);
            }
            out[r] = tailL2(q, data, o, i, acc.reduceLanes(VectorOperators.ADD));
        }
    }

    /** Finishes a row from element {@code i} on: one more full vector if there is one, then scalars. */
    private static float tailL2(float[] q, MemorySegment data, long o, int i, float sum) {
        int d = q.length;
        if (i + LANES <= d) {
            FloatVector diff = FloatVector.fromArray(SPECIES, q, i)
                    .sub(FloatVector.fromMemorySegment(SPECIES, data, o + i * 4L, ORDER));
            sum += diff.mul(diff).reduceLanes(VectorOperators.ADD);
            i += LANES;
        }
        for (; i < d; i++) {
            float t = q[i] - data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o + (long) i * Float.BYTES);
            sum += t * t;
        }
        return sum;
    }

    @Override
    public void dot(float[] q, MemorySegment data, long off, int rows, float[] out) {
        int d = q.length;
        long rowBytes = (long) d * Float.BYTES;
        int full = d - d % (2 * LANES);
        for (int r = 0; r < rows; r++) {
            long o = off + r * rowBytes;
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int i = 0;
            for (; i < full; i += 2 * LANES) {
                acc0 = FloatVector.fromArray(SPECIES, q, i)
                        .fma(FloatVector.fromMemorySegment(SPECIES, data, o + i * 4L, ORDER), acc0);
                acc1 = FloatVector.fromArray(SPECIES, q, i + LANES)
                        .fma(FloatVector.fromMemorySegment(SPECIES, data, o + (i + LANES) * 4L, ORDER), acc1);
            }
            out[r] = tailDot(q, data, o, i, acc0.add(acc1).reduceLanes(VectorOperators.ADD));
        }
    }

    private static float tailDot(float[] q, MemorySegment data, long o, int i, float sum) {
        int d = q.length;
        if (i + LANES <= d) {
            sum += FloatVector.fromArray(SPECIES, q, i)
                    .mul(FloatVector.fromMemorySegment(SPECIES, data, o + i * 4L, ORDER)).reduceLanes(VectorOperators.ADD);
            i += LANES;
        }
        for (; i < d; i++) {
            sum += q[i] * data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, o + (long) i * Float.BYTES);
        }
        return sum;
    }

    @Override
    public float dot(float[] q, MemorySegment data, long off) {
        int d = q.length;
        int i = 0;
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        for (; i + 4 * LANES <= d; i += 4 * LANES) {
            long o = off + (long) i * Float.BYTES;
            acc0 = FloatVector.fromArray(SPECIES, q, i)
                    .fma(FloatVector.fromMemorySegment(SPECIES, data, o, ORDER), acc0);
            acc1 = FloatVector.fromArray(SPECIES, q, i + LANES)
                    .fma(FloatVector.fromMemorySegment(SPECIES, data, o + LANES * 4L, ORDER), acc1);
            acc2 = FloatVector.fromArray(SPECIES, q, i + 2 * LANES)
                    .fma(FloatVector.fromMemorySegment(SPECIES, data, o + 2 * LANES * 4L, ORDER), acc2);
            acc3 = FloatVector.fromArray(SPECIES, q, i + 3 * LANES)
                    .fma(FloatVector.fromMemorySegment(SPECIES, data, o + 3 * LANES * 4L, ORDER), acc3);
        }
        for (; i + LANES <= d; i += LANES) {
            acc0 = FloatVector.fromArray(SPECIES, q, i)
                    .fma(FloatVector.fromMemorySegment(SPECIES, data, off + (long) i * Float.BYTES, ORDER), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < d; i++) {
            sum += q[i] * data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + (long) i * Float.BYTES);
        }
        return sum;
    }
}
