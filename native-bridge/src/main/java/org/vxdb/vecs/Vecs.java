package org.vxdb.vecs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reader for the TEXMEX {@code .fvecs} / {@code .ivecs} formats: per row, a little-endian int32
 * dimension followed by that many float32 (or int32) values. Rows are checked to share one
 * dimension and the file to end on a row boundary.
 */
public final class Vecs {

    private Vecs() {
    }

    /** Reads an fvecs file into packed rows allocated from {@code arena}. */
    public static VectorSet readFvecs(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena map = Arena.ofConfined()) {
            MemorySegment in = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), map);
            int dim = dimensionOf(file, in);
            long stride = 4L + 4L * dim;
            long rows = in.byteSize() / stride;
            if (rows > Integer.MAX_VALUE) {
                throw new IOException(file + ": too many rows");
            }
            MemorySegment out = arena.allocate(rows * dim * Float.BYTES, 64);
            for (long r = 0; r < rows; r++) {
                checkRowDimension(file, in, r * stride, dim);
                MemorySegment.copy(in, r * stride + 4, out, r * dim * Float.BYTES, (long) dim * Float.BYTES);
            }
            return new VectorSet(dim, (int) rows, out);
        }
    }

    /** Reads an ivecs file (ground truth ids) as one int array per row. */
    public static int[][] readIvecs(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena map = Arena.ofConfined()) {
            MemorySegment in = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), map);
            int dim = dimensionOf(file, in);
            long stride = 4L + 4L * dim;
            int rows = (int) (in.byteSize() / stride);
            int[][] out = new int[rows][];
            for (int r = 0; r < rows; r++) {
                checkRowDimension(file, in, r * stride, dim);
                out[r] = in.asSlice(r * stride + 4, 4L * dim).toArray(ValueLayout.JAVA_INT_UNALIGNED);
            }
            return out;
        }
    }

    /** Reads an fvecs file (ground-truth distances) as one float array per row. */
    public static float[][] readFvecsRows(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            VectorSet set = readFvecs(file, arena);
            float[][] out = new float[set.count()][];
            for (int r = 0; r < set.count(); r++) {
                out[r] = set.row(r);
            }
            return out;
        }
    }

    private static int dimensionOf(Path file, MemorySegment in) throws IOException {
        if (in.byteSize() < 4) {
            throw new IOException(file + ": empty or truncated vecs file");
        }
        int dim = in.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        if (dim <= 0 || dim > 1 << 20) {
            throw new IOException(file + ": bad dimension " + dim + " in the first row");
        }
        long stride = 4L + 4L * dim;
        if (in.byteSize() % stride != 0) {
            throw new IOException(file + ": size " + in.byteSize() + " is not a whole number of " + dim + "-d rows");
        }
        return dim;
    }

    private static void checkRowDimension(Path file, MemorySegment in, long offset, int dim) throws IOException {
        int d = in.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
        if (d != dim) {
            throw new IOException(file + ": row at byte " + offset + " has dimension " + d + ", expected " + dim);
        }
    }
}
