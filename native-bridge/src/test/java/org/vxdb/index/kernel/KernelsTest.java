package org.vxdb.index.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Vector API and scalar kernels agree with a double-precision reference at every length and offset. */
class KernelsTest {

    @Test
    void shouldMatchTheReferenceForEveryDimensionAndOffset() {
        VectorKernels[] kernels = {Kernels.scalar(), Kernels.panama()};
        SplittableRandom rnd = new SplittableRandom(42);
        try (Arena arena = Arena.ofConfined()) {
            for (int dim : new int[] {1, 2, 3, 7, 8, 15, 16, 17, 25, 31, 63, 64, 65, 100, 128, 131, 768, 784, 1000}) {
                float[] q = new float[dim];
                float[] x = new float[dim];
                for (int i = 0; i < dim; i++) {
                    q[i] = (float) rnd.nextGaussian();
                    x[i] = (float) rnd.nextGaussian();
                }
                for (long offset : new long[] {0, 4, 12, 64}) {
                    MemorySegment data = arena.allocate(offset + dim * 4L, 64);
                    MemorySegment.copy(x, 0, data, ValueLayout.JAVA_FLOAT, offset, dim);
                    double l2 = 0;
                    double dot = 0;
                    for (int i = 0; i < dim; i++) {
                        l2 += ((double) q[i] - x[i]) * ((double) q[i] - x[i]);
                        dot += (double) q[i] * x[i];
                    }
                    for (VectorKernels k : kernels) {
                        double tol = 1e-4 * Math.max(1, dim);
                        assertEquals(l2, k.squaredL2(q, data, offset), tol, k.name() + " l2 dim " + dim);
                        assertEquals(dot, k.dot(q, data, offset), tol, k.name() + " dot dim " + dim);
                    }
                }
            }
        }
    }

    @Test
    void shouldComputeBlocksLikeSingleRows() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            for (int dim : new int[] {1, 5, 16, 25, 33, 64, 100, 128, 131, 784}) {
                int rows = 37;
                float[] q = new float[dim];
                float[] x = new float[rows * dim];
                for (int i = 0; i < dim; i++) {
                    q[i] = (float) rnd.nextGaussian();
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                MemorySegment data = arena.allocate(8 + x.length * 4L, 64);
                MemorySegment.copy(x, 0, data, ValueLayout.JAVA_FLOAT, 8, x.length);
                for (VectorKernels k : new VectorKernels[] {Kernels.scalar(), Kernels.panama()}) {
                    float[] l2 = new float[rows];
                    float[] dot = new float[rows];
                    k.squaredL2(q, data, 8, rows, l2);
                    k.dot(q, data, 8, rows, dot);
                    for (int r = 0; r < rows; r++) {
                        long off = 8 + (long) r * dim * 4;
                        double tol = 1e-4 * Math.max(1, dim);
                        assertEquals(k.squaredL2(q, data, off), l2[r], tol, k.name() + " l2 dim " + dim + " row " + r);
                        assertEquals(k.dot(q, data, off), dot[r], tol, k.name() + " dot dim " + dim + " row " + r);
                    }
                }
            }
        }
    }

    @Test
    void shouldChooseVectorKernelsWhenTheModuleIsPresent() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector
        assertEquals("panama", Kernels.best().name());
        assertEquals("scalar", Kernels.scalar().name());
    }
}
