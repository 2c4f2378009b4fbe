package org.vxdb.index.linear;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.kernel.VectorKernels;
import org.vxdb.index.spi.AbstractVectorIndex;
import org.vxdb.index.spi.IndexFileDescriptor;
import org.vxdb.index.spi.IndexFiles;

/**
 * Exact top-k in pure Java: every stored row is compared with the query through the chosen
 * {@link VectorKernels}. Rows live off-heap in fixed-size chunks owned by one shared {@link Arena}
 * (never reallocated, so adding never copies what is already there). Cosine rows are stored
 * normalised, so cosine is a dot product at search time.
 *
 * <p>Also serves IVF and HNSW specs as exact search when the FAISS provider is absent and the
 * exact fallback is enabled ({@link #isExactFallback()}).
 */
public final class LinearIndex extends AbstractVectorIndex {

    /** Bytes of vector data per chunk. */
    private static final long CHUNK_BYTES = 4L << 20;

    private final VectorKernels kernels;
    private final Metric metric;
    private final int dim;
    private final long rowBytes;
    private final int chunkRows;
    private final boolean exactFallback;
    private final List<MemorySegment> rowChunks = new ArrayList<>();
    private final List<MemorySegment> idChunks = new ArrayList<>();
    private Arena arena = Arena.ofShared();
    private long count;

    public LinearIndex(IndexSpec spec) {
        this(spec, Kernels.best(), false);
    }

    public LinearIndex(IndexSpec spec, VectorKernels kernels, boolean exactFallback) {
        super(spec);
        this.kernels = kernels;
        this.metric = spec.metric();
        this.dim = spec.dimension();
        this.rowBytes = spec.vectorBytes();
        this.chunkRows = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        this.exactFallback = exactFallback;
    }

    @Override
    public String provider() {
        return "java";
    }

    /** True when this exact index stands in for an approximate spec because FAISS is absent. */
    public boolean isExactFallback() {
        return exactFallback;
    }

    public VectorKernels kernels() {
        return kernels;
    }

    @Override
    protected boolean trained() {
        return true;
    }

    @Override
    protected void doTrain(MemorySegment vectors, int n) {
        // Exact search needs no training; accepted so callers treat every spec alike.
    }

    @Override
    protected void doAdd(MemorySegment ids, MemorySegment vectors, int n) {
        long src = 0;
        int done = 0;
        while (done < n) {
            int chunk = (int) (count / chunkRows);
            int slot = (int) (count % chunkRows);
            if (chunk == rowChunks.size()) {
                rowChunks.add(arena.allocate(chunkRows * rowBytes, 64));
                idChunks.add(arena.allocate((long) chunkRows * Long.BYTES, 8));
            }
            int run = Math.min(n - done, chunkRows - slot);
            MemorySegment rows = rowChunks.get(chunk);
            MemorySegment.copy(vectors, src, rows, slot * rowBytes, run * rowBytes);
            MemorySegment.copy(ids, (long) done * Long.BYTES, idChunks.get(chunk), (long) slot * Long.BYTES,
                    (long) run * Long.BYTES);
            if (metric == Metric.COSINE) {
                for (int r = 0; r < run; r++) {
                    normalizeInPlace(rows, (slot + r) * rowBytes);
                }
            }
            src += run * rowBytes;
            done += run;
            count += run;
        }
    }

    @Override
    protected void doSearch(MemorySegment queries, int nq, int k, SearchParams params, MemorySegment outIds,
                            MemorySegment outDistances) {
        float[] query = new float[dim];
        TopK top = new TopK(k);
        for (int q = 0; q < nq; q++) {
            MemorySegment.copy(queries, ValueLayout.JAVA_FLOAT_UNALIGNED, q * rowBytes, query, 0, dim);
            if (metric == Metric.COSINE) {
                normalize(query);
            }
            top.clear();
            scan(query, top, params.allowedIds());
            top.drainTo(outIds, outDistances, q);
        }
    }

    private void scan(float[] query, TopK top, MemorySegment allowed) {
        long remaining = count;
        for (int c = 0; remaining > 0; c++) {
            int rows = (int) Math.min(remaining, chunkRows);
            MemorySegment data = rowChunks.get(c);
            MemorySegment ids = idChunks.get(c);
            switch (metric) {
                case L2 -> scanL2(query, data, ids, rows, top, allowed);
                case INNER_PRODUCT -> scanDot(query, data, ids, rows, top, 0f, -1f, allowed);
                case COSINE -> scanDot(query, data, ids, rows, top, 1f, -1f, allowed);
            }
            remaining -= rows;
        }
    }

    /** Rows per kernel call: distances for a block land in a small array, then feed the top-k. */
    private static final int BLOCK = 256;

    private void scanL2(float[] query, MemorySegment data, MemorySegment ids, int rows, TopK top,
                        MemorySegment allowed) {
        float[] block = new float[BLOCK];
        float worst = top.worst();
        for (int start = 0; start < rows; start += BLOCK) {
            int n = Math.min(BLOCK, rows - start);
            kernels.squaredL2(query, data, start * rowBytes, n, block);
            for (int i = 0; i < n; i++) {
                float d = block[i];
                if (d <= worst) {
                    long id = ids.getAtIndex(ValueLayout.JAVA_LONG, start + i);
                    if (allowed == null || SearchParams.allows(allowed, id)) {
                        top.offer(d, id);
                        worst = top.worst();
                    }
                }
            }
        }
    }

    /** Distance = {@code base + sign * dot}: {@code -dot} for inner product, {@code 1 - dot} for cosine. */
    private void scanDot(float[] query, MemorySegment data, MemorySegment ids, int rows, TopK top, float base,
                         float sign, MemorySegment allowed) {
        float[] block = new float[BLOCK];
        float worst = top.worst();
        for (int start = 0; start < rows; start += BLOCK) {
            int n = Math.min(BLOCK, rows - start);
            kernels.dot(query, data, start * rowBytes, n, block);
            for (int i = 0; i < n; i++) {
                float d = base + sign * block[i];
                if (d <= worst) {
                    long id = ids.getAtIndex(ValueLayout.JAVA_LONG, start + i);
                    if (allowed == null || SearchParams.allows(allowed, id)) {
                        top.offer(d, id);
                        worst = top.worst();
                    }
                }
            }
        }
    }

    @Override
    protected long doRemove(MemorySegment idSegment, int n) {
        long[] doomed = idSegment.toArray(ValueLayout.JAVA_LONG);
        Arrays.sort(doomed);
        long removed = 0;
        long pos = 0;
        while (pos < count) {
            if (Arrays.binarySearch(doomed, idAt(pos)) >= 0) {
                moveRow(count - 1, pos);
                count--;
                removed++;
            } else {
                pos++;
            }
        }
        return removed;
    }

    private long idAt(long pos) {
        return idChunks.get((int) (pos / chunkRows)).getAtIndex(ValueLayout.JAVA_LONG, pos % chunkRows);
    }

    private void moveRow(long from, long to) {
        if (from == to) {
            return;
        }
        MemorySegment.copy(rowChunks.get((int) (from / chunkRows)), (from % chunkRows) * rowBytes,
                rowChunks.get((int) (to / chunkRows)), (to % chunkRows) * rowBytes, rowBytes);
        idChunks.get((int) (to / chunkRows)).setAtIndex(ValueLayout.JAVA_LONG, to % chunkRows, idAt(from));
    }

    @Override
    protected long doCount() {
        return count;
    }

    @Override
    protected void doReset() {
        releaseChunks();
        arena = Arena.ofShared();
    }

    @Override
    protected void doSave(Path path) {
        IndexFiles.write(path, IndexFileDescriptor.ENGINE_LINEAR, spec(), count, (file, offset) -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena mapArena = Arena.ofConfined()) {
                long idBytes = count * Long.BYTES;
                MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, offset, idBytes + count * rowBytes,
                        mapArena);
                long written = 0;
                for (int c = 0; written < count; c++) {
                    long rows = Math.min(chunkRows, count - written);
                    MemorySegment.copy(idChunks.get(c), 0, out, written * Long.BYTES, rows * Long.BYTES);
                    MemorySegment.copy(rowChunks.get(c), 0, out, idBytes + written * rowBytes, rows * rowBytes);
                    written += rows;
                }
                out.force();
            }
        });
    }

    /** Loads a linear payload verified by {@link IndexFiles#read}. */
    public static LinearIndex load(Path file, IndexFiles.Header header, VectorKernels kernels, boolean exactFallback) {
        IndexSpec spec = header.spec();
        long n = header.count();
        long expected = n * (Long.BYTES + spec.vectorBytes());
        if (header.payloadLength() != expected) {
            throw new UncheckedIOException("corrupt index file " + file + ": linear payload of " + n + " vectors should be "
                    + expected + " bytes, is " + header.payloadLength(), new IOException("bad payload length"));
        }
        LinearIndex index = new LinearIndex(spec, kernels, exactFallback);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena mapArena = Arena.ofConfined()) {
            if (n > 0) {
                MemorySegment in = ch.map(FileChannel.MapMode.READ_ONLY, IndexFileDescriptor.HEADER_LENGTH, expected,
                        mapArena);
                index.appendRaw(in.asSlice(0, n * Long.BYTES), in.asSlice(n * Long.BYTES), n);
            }
        } catch (IOException e) {
            index.close();
            throw new UncheckedIOException("cannot read index file " + file + ": " + e.getMessage(), e);
        }
        return index;
    }

    /** Appends rows as stored (already normalised for cosine), bypassing add()'s normalisation. */
    private void appendRaw(MemorySegment ids, MemorySegment rows, long n) {
        long done = 0;
        while (done < n) {
            int chunk = (int) (count / chunkRows);
            rowChunks.add(arena.allocate(chunkRows * rowBytes, 64));
            idChunks.add(arena.allocate((long) chunkRows * Long.BYTES, 8));
            long run = Math.min(n - done, chunkRows);
            MemorySegment.copy(rows, done * rowBytes, rowChunks.get(chunk), 0, run * rowBytes);
            MemorySegment.copy(ids, done * Long.BYTES, idChunks.get(chunk), 0, run * Long.BYTES);
            done += run;
            count += run;
        }
    }

    @Override
    protected void doClose() {
        releaseChunks();
    }

    private void releaseChunks() {
        rowChunks.clear();
        idChunks.clear();
        count = 0;
        arena.close();
    }

    private void normalizeInPlace(MemorySegment rows, long offset) {
        double s = 0;
        for (int i = 0; i < dim; i++) {
            double x = rows.get(ValueLayout.JAVA_FLOAT, offset + (long) i * Float.BYTES);
            s += x * x;
        }
        if (s == 0) {
            return;
        }
        float inv = (float) (1.0 / Math.sqrt(s));
        for (int i = 0; i < dim; i++) {
            long o = offset + (long) i * Float.BYTES;
            rows.set(ValueLayout.JAVA_FLOAT, o, rows.get(ValueLayout.JAVA_FLOAT, o) * inv);
        }
    }

    /** Scales {@code v} to unit length; a zero vector stays zero (its cosine distance to all is 1). */
    public static void normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s == 0) {
            return;
        }
        float inv = (float) (1.0 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
