package org.vxdb.cli.load;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.vxdb.cli.CliException;

/**
 * An fvecs file (the TEXMEX/SIFT format): per row a little-endian int32 dimension, then that many
 * float32. Rows have no ids: a row's id is its number, from 0.
 */
final class FvecsSource implements RowSource {

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final int dimension;
    private final long rowBytes;
    private final ByteBuffer buffer;
    private long row;

    FvecsSource(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            this.size = channel.size();
            ByteBuffer head = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (size == 0) {
                throw new CliException(file + ": empty file");
            }
            readFully(head, 0);
            this.dimension = head.flip().getInt();
            if (dimension < 1 || dimension > 65_536) {
                throw new CliException(file + ": not an fvecs file (row 0 gives dimension " + dimension + ")");
            }
            this.rowBytes = Integer.BYTES + (long) dimension * Float.BYTES;
            if (size % rowBytes != 0) {
                throw new CliException(file + ": not an fvecs file of dimension " + dimension + " (" + size
                        + " bytes is not a whole number of " + rowBytes + "-byte rows)");
            }
            this.buffer = ByteBuffer.allocate((int) rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    int dimension() {
        return dimension;
    }

    long rows() {
        return size / rowBytes;
    }

    @Override
    public Row next() throws IOException {
        long at = row * rowBytes;
        if (at >= size) {
            return null;
        }
        buffer.clear();
        readFully(buffer, at);
        buffer.flip();
        int d = buffer.getInt();
        String where = file.getFileName() + " row " + row;
        if (d != dimension) {
            throw new CliException(where + ": dimension " + d + ", the rows before have " + dimension);
        }
        float[] v = new float[d];
        buffer.asFloatBuffer().get(v);
        return new Row(row++, v, Map.of(), where);
    }

    @Override
    public void skip(long rows) {
        if (rows > rows()) {
            throw new CliException("the input has fewer rows than the state file says were imported (" + rows
                    + "): delete the state file to start over");
        }
        row = rows;
    }

    private void readFully(ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = channel.read(b, p);
            if (n < 0) {
                throw new EOFException(file + ": ends inside row " + row);
            }
            p += n;
        }
    }

    @Override
    public double progress() {
        return size == 0 ? 1 : (double) (row * rowBytes) / size;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
