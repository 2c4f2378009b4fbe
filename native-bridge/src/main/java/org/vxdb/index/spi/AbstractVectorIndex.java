package org.vxdb.index.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.vxdb.index.IndexArguments;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;

/**
 * The half of every {@link VectorIndex} that does not depend on the provider: argument checks,
 * the closed state, and the read/write lock that lets searches run together while writes and
 * close wait for them. Subclasses receive only validated arguments.
 */
public abstract class AbstractVectorIndex implements VectorIndex {

    private final IndexSpec spec;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    protected AbstractVectorIndex(IndexSpec spec) {
        this.spec = spec;
    }

    @Override
    public final IndexSpec spec() {
        return spec;
    }

    @Override
    public final boolean isTrained() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return trained();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final void train(MemorySegment vectors) {
        int n = IndexArguments.vectorCount(vectors, spec, "training");
        IndexArguments.checkFinite(vectors, spec.dimension(), "training");
        lock.writeLock().lock();
        try {
            ensureOpen();
            if (spec.requiresTraining() && n < minimumTrainingVectors()) {
                throw new IllegalArgumentException(spec.description() + " needs at least " + minimumTrainingVectors()
                        + " training vectors, got " + n);
            }
            doTrain(vectors, n);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final void add(MemorySegment ids, MemorySegment vectors) {
        int n = IndexArguments.idCount(ids);
        IndexArguments.checkRowsMatchIds(vectors, n, spec);
        IndexArguments.checkFinite(vectors, spec.dimension(), "added");
        AddPreparation prepared;
        lock.readLock().lock();
        try {
            ensureOpen();
            ensureTrained("add to");
            prepared = prepareAdd(vectors, n);
        } finally {
            lock.readLock().unlock();
        }
        try {
            lock.writeLock().lock();
            try {
                ensureOpen();
                doAdd(ids, vectors, n, prepared);
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            if (prepared != null) {
                prepared.close();
            }
        }
    }

    /**
     * The part of an add that only reads the index (an IVF's assignment of each vector to a list,
     * the costly part), run under the read lock so searches go on; null when there is none. What
     * it returns is handed to {@link #doAdd(MemorySegment, MemorySegment, int, AddPreparation)}
     * and closed afterwards. Only one add runs at a time per index (its caller's rule).
     */
    protected AddPreparation prepareAdd(MemorySegment vectors, int n) {
        return null;
    }

    /** {@link #doAdd(MemorySegment, MemorySegment, int)} with what {@link #prepareAdd} computed (null: nothing). */
    protected void doAdd(MemorySegment ids, MemorySegment vectors, int n, AddPreparation prepared) {
        doAdd(ids, vectors, n);
    }

    /** Work done before an add's write lock, owned by the add and closed after it. */
    protected interface AddPreparation extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public final void search(MemorySegment queries, int k, SearchParams params, MemorySegment outIds,
                             MemorySegment outDistances) {
        int nq = IndexArguments.vectorCount(queries, spec, "queries");
        IndexArguments.checkK(k);
        IndexArguments.checkFinite(queries, spec.dimension(), "query");
        long cells = (long) nq * k;
        IndexArguments.checkOutput(outIds, cells, ValueLayout.JAVA_LONG, "ids");
        IndexArguments.checkOutput(outDistances, cells, ValueLayout.JAVA_FLOAT, "distances");
        SearchParams p = params == null ? SearchParams.DEFAULT : params;
        IndexArguments.checkBitmap(p.allowedIds());
        lock.readLock().lock();
        try {
            ensureOpen();
            ensureTrained("search");
            doSearch(queries, nq, k, p, outIds, outDistances);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final long remove(MemorySegment ids) {
        int n = IndexArguments.idCount(ids);
        lock.writeLock().lock();
        try {
            ensureOpen();
            return doRemove(ids, n);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final long count() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return doCount();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final void reset() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            doReset();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final void save(Path path) {
        if (path == null) {
            throw new IllegalArgumentException("save path is null");
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            doSave(path);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            doClose();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return provider() + " " + spec;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(spec.description() + " index is closed");
        }
    }

    private void ensureTrained(String action) {
        if (!trained()) {
            throw new IllegalStateException("cannot " + action + " an untrained " + spec.description()
                    + " index: call train() with at least " + minimumTrainingVectors() + " vectors first");
        }
    }

    /** Fewest vectors {@link #train} accepts: IVF needs one per list, PQ one per code (256) as well. */
    protected int minimumTrainingVectors() {
        return switch (spec.type()) {
            case IVF_PQ -> Math.max(spec.nlist(), PQ_CODES);
            case IVF_FLAT, IVF_SQ8 -> spec.nlist();
            default -> 1;
        };
    }

    /** Centroids per PQ sub-quantizer (8-bit codes). */
    private static final int PQ_CODES = 256;

    protected abstract boolean trained();

    protected abstract void doTrain(MemorySegment vectors, int n);

    protected abstract void doAdd(MemorySegment ids, MemorySegment vectors, int n);

    protected abstract void doSearch(MemorySegment queries, int nq, int k, SearchParams params,
                                     MemorySegment outIds, MemorySegment outDistances);

    protected abstract long doRemove(MemorySegment ids, int n);

    protected abstract long doCount();

    protected abstract void doReset();

    protected abstract void doSave(Path path);

    protected abstract void doClose();
}
