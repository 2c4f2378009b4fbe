package org.vxdb.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Argument checks shared by every provider. They run before any native call so that a bad
 * argument is an exception with a clear message, never a crashed JVM.
 */
public final class IndexArguments {

    /** Largest number of vectors in one call: keeps {@code n * k} and {@code n * dim} well inside a long. */
    public static final long MAX_VECTORS_PER_CALL = Integer.MAX_VALUE;

    private IndexArguments() {
    }

    /** The number of whole vectors in {@code vectors}, rejecting empty or ragged segments. */
    public static int vectorCount(MemorySegment vectors, IndexSpec spec, String what) {
        if (vectors == null) {
            throw new IllegalArgumentException(what + " segment is null");
        }
        long bytes = vectors.byteSize();
        long row = spec.vectorBytes();
        if (bytes == 0) {
            throw new IllegalArgumentException(what + " segment is empty");
        }
        if (bytes % row != 0) {
            throw new IllegalArgumentException(what + " segment holds " + bytes + " bytes, not a whole number of "
                    + spec.dimension() + "-d float32 vectors (" + row + " bytes each)");
        }
        long n = bytes / row;
        if (n > MAX_VECTORS_PER_CALL) {
            throw new IllegalArgumentException(what + " segment holds " + n + " vectors; at most "
                    + MAX_VECTORS_PER_CALL + " per call");
        }
        checkAligned(vectors, Float.BYTES, what);
        return (int) n;
    }

    /** The number of ids in {@code ids}, rejecting empty or ragged segments. */
    public static int idCount(MemorySegment ids) {
        if (ids == null) {
            throw new IllegalArgumentException("ids segment is null");
        }
        long bytes = ids.byteSize();
        if (bytes == 0) {
            throw new IllegalArgumentException("ids segment is empty");
        }
        if (bytes % Long.BYTES != 0) {
            throw new IllegalArgumentException("ids segment holds " + bytes + " bytes, not a whole number of int64 ids");
        }
        long n = bytes / Long.BYTES;
        if (n > MAX_VECTORS_PER_CALL) {
            throw new IllegalArgumentException("ids segment holds " + n + " ids; at most " + MAX_VECTORS_PER_CALL
                    + " per call");
        }
        checkAligned(ids, Long.BYTES, "ids");
        return (int) n;
    }

    /** Checks that {@code vectors} holds exactly one row per id. */
    public static void checkRowsMatchIds(MemorySegment vectors, long n, IndexSpec spec) {
        if (vectors == null) {
            throw new IllegalArgumentException("vectors segment is null");
        }
        long expected = n * spec.vectorBytes();
        if (vectors.byteSize() != expected) {
            throw new IllegalArgumentException("vectors segment holds " + vectors.byteSize() + " bytes but " + n
                    + " ids need " + n + " x " + spec.dimension() + "-d float32 = " + expected + " bytes");
        }
        checkAligned(vectors, Float.BYTES, "vectors");
    }

    /** An allowed-id bitmap must be readable by this thread for the whole search. */
    public static void checkBitmap(MemorySegment bitmap) {
        if (bitmap != null) {
            if (bitmap.byteSize() == 0) {
                throw new IllegalArgumentException("allowed-ids bitmap is empty: nothing could match");
            }
            checkAligned(bitmap, 1, "allowed-ids bitmap");
        }
    }

    public static void checkK(int k) {
        if (k < 1 || k > SearchParams.MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + SearchParams.MAX_K + ", got " + k);
        }
    }

    public static void checkOutput(MemorySegment out, long cells, ValueLayout layout, String what) {
        if (out == null) {
            throw new IllegalArgumentException(what + " output segment is null");
        }
        long expected = cells * layout.byteSize();
        if (out.byteSize() != expected) {
            throw new IllegalArgumentException(what + " output segment holds " + out.byteSize() + " bytes; nq x k = "
                    + cells + " results need " + expected + " bytes");
        }
        if (out.isReadOnly()) {
            throw new IllegalArgumentException(what + " output segment is read-only");
        }
        checkAligned(out, layout.byteSize(), what + " output");
    }

    /**
     * Rejects NaN and infinite components, naming the first offender. Distances over such values
     * are meaningless and poison every top-k they touch.
     */
    public static void checkFinite(MemorySegment vectors, int dimension, String what) {
        long floats = vectors.byteSize() / Float.BYTES;
        for (long i = 0; i < floats; i++) {
            float v = vectors.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + " vector " + (i / dimension) + " has a non-finite component "
                        + (i % dimension) + " (" + v + ")");
            }
        }
    }

    /**
     * Rejects segments whose arena is closed or owned by another thread (FAISS would read freed or
     * unmapped memory), and native segments FAISS could not read as aligned values.
     */
    private static void checkAligned(MemorySegment segment, long alignment, String what) {
        if (!segment.scope().isAlive()) {
            throw new IllegalArgumentException(what + " segment's arena is already closed");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(what + " segment is confined to another thread");
        }
        if (segment.isNative() && segment.address() % alignment != 0) {
            throw new IllegalArgumentException(what + " segment at address 0x" + Long.toHexString(segment.address())
                    + " is not " + alignment + "-byte aligned");
        }
    }
}
