package org.vxdb.bench.storage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.vxdb.vecs.VectorSet;

/**
 * Writes the TEXMEX {@code .fvecs} / {@code .ivecs} formats that {@link org.vxdb.vecs.Vecs} reads:
 * per row a little-endian int32 dimension, then that many float32 (or int32) values. Files are
 * forced to disk before they are closed, since the cache directory is renamed into place after.
 */
final class VecsWriter {

    private static final int BUFFER_BYTES = 1 << 20;

    private VecsWriter() {
    }

    static void writeFvecs(Path file, VectorSet rows) throws IOException {
        int dim = rows.dimension();
        try (FileChannel ch = open(file)) {
            ByteBuffer buf = buffer(dim);
            MemorySegment data = rows.data();
            for (long r = 0; r < rows.count(); r++) {
                ensureRoom(ch, buf, dim);
                buf.putInt(dim);
                long base = r * dim;
                for (int j = 0; j < dim; j++) {
                    buf.putFloat(data.getAtIndex(ValueLayout.JAVA_FLOAT, base + j));
                }
            }
            finish(ch, buf);
        }
    }

    static void writeFvecs(Path file, float[][] rows) throws IOException {
        try (FileChannel ch = open(file)) {
            ByteBuffer buf = buffer(rows.length == 0 ? 1 : rows[0].length);
            for (float[] row : rows) {
                ensureRoom(ch, buf, row.length);
                buf.putInt(row.length);
                for (float v : row) {
                    buf.putFloat(v);
                }
            }
            finish(ch, buf);
        }
    }

    static void writeIvecs(Path file, int[][] rows) throws IOException {
        try (FileChannel ch = open(file)) {
            ByteBuffer buf = buffer(rows.length == 0 ? 1 : rows[0].length);
            for (int[] row : rows) {
                ensureRoom(ch, buf, row.length);
                buf.putInt(row.length);
                for (int v : row) {
                    buf.putInt(v);
                }
            }
            finish(ch, buf);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    private static ByteBuffer buffer(int dim) {
        return ByteBuffer.allocate(Math.max(BUFFER_BYTES, 4 * (dim + 1))).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void ensureRoom(FileChannel ch, ByteBuffer buf, int dim) throws IOException {
        if (buf.remaining() < 4 * (dim + 1)) {
            drain(ch, buf);
        }
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    private static void finish(FileChannel ch, ByteBuffer buf) throws IOException {
        drain(ch, buf);
        ch.force(true);
    }
}
