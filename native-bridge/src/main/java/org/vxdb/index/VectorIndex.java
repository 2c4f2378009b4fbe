package org.vxdb.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A vector index as storage nodes use it, whichever provider implements it (FAISS or pure Java).
 *
 * <p>Vectors and results travel as {@link MemorySegment}s: vectors are packed little-endian float32
 * rows of {@link IndexSpec#dimension()} floats, ids are int64. A native segment (for example a
 * file mapped with {@code FileChannel.map(..., Arena)}) is handed to FAISS without a copy; a heap
 * segment is copied once into native memory first. Every argument is validated in Java before any
 * native call, and a bad one raises {@link IllegalArgumentException} (or {@link IllegalStateException}
 * for an index in the wrong state) with a message that names the problem.
 *
 * <p>Searches may run concurrently with each other; writes (train, add, remove, reset) and close
 * wait for running searches. Closing twice is harmless; any other call after close throws
 * {@link IllegalStateException}.
 */
public interface VectorIndex extends AutoCloseable {

    IndexSpec spec();

    /** {@code "faiss"} or {@code "java"}: which implementation answers. */
    String provider();

    boolean isTrained();

    /** Trains on {@code vectors.byteSize() / (4 * dim)} vectors; required once for IVF indexes. */
    void train(MemorySegment vectors);

    /** Adds {@code ids.byteSize() / 8} vectors; {@code vectors} must hold exactly that many rows. */
    void add(MemorySegment ids, MemorySegment vectors);

    /**
     * Searches {@code queries.byteSize() / (4 * dim)} queries, writing {@code nq * k} ids and distances
     * into the output segments (each must hold exactly {@code nq * k} elements). Parameters that do
     * not apply to this index type (nprobe on a flat index, say) are ignored.
     */
    void search(MemorySegment queries, int k, SearchParams params, MemorySegment outIds, MemorySegment outDistances);

    /** Searches and allocates the results from {@code allocator} (an {@code Arena}, say). */
    default SearchResults search(MemorySegment queries, int k, SearchParams params, SegmentAllocator allocator) {
        int nq = IndexArguments.vectorCount(queries, spec(), "queries");
        IndexArguments.checkK(k);
        long cells = (long) nq * k;
        MemorySegment ids = allocator.allocate(ValueLayout.JAVA_LONG, cells);
        MemorySegment distances = allocator.allocate(ValueLayout.JAVA_FLOAT, cells);
        search(queries, k, params, ids, distances);
        return new SearchResults(nq, k, ids, distances);
    }

    /** Removes every entry whose id is in {@code ids}; returns how many entries were removed. */
    long remove(MemorySegment ids);

    /** Number of vectors in the index. */
    long count();

    /** Drops all vectors; a trained index stays trained. */
    void reset();

    /** Writes the index to {@code path} atomically (temp file, fsync, rename, directory fsync). */
    void save(Path path);

    @Override
    void close();
}
