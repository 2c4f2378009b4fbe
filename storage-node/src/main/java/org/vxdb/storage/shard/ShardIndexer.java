package org.vxdb.storage.shard;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.storage.observe.StorageListener;

/**
 * A shard's background thread and the life of its vector index on it: build once enough rows are
 * sealed, add segments sealed since (catch-up), rebuild when the shard has grown {@code
 * rebuildFactor} times, each when writes pause and a build slot is free; and what to report about
 * it. Compaction and metadata index work run on the same thread, so no index work reads a segment
 * while one replaces it. The shard owns the index: it gives this class the sealed segments and the
 * live index, and installs (publishes) what this class built.
 */
final class ShardIndexer {

    private static final Logger LOG = LoggerFactory.getLogger(ShardIndexer.class);

    /** What the indexer needs of its shard. */
    interface Host {
        /** The sealed segments and the live index (null: none) now, or null once the shard is closed. */
        Sealed sealed();

        /** Makes {@code built} the live index in place of {@code previous} (closed once unread). */
        void install(ShardIndex built, ShardIndex previous);

        long lastWriteNanos();

        long lastSearchNanos();

        boolean closing();
    }

    /** The sealed segments and the index over (a prefix of) them. */
    record Sealed(List<SealedSegment> segments, ShardIndex index) {
    }

    private final ShardConfig config;
    private final Path dir;
    private final StorageListener listener;
    private final VectorIndexProvider provider;
    private final Host host;
    private final ExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile String lastError;
    /** True while a build or rebuild runs, or waits for a build slot (the previous index serves meanwhile). */
    private volatile boolean building;

    ShardIndexer(ShardConfig config, StorageListener listener, VectorIndexProvider provider, Host host) {
        this.config = config;
        this.dir = config.dir();
        this.listener = listener;
        this.provider = provider;
        this.host = host;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vxdb-index-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues one round of index work (build, rebuild or catch-up) unless one is already queued. */
    void schedule() {
        if (queued.compareAndSet(false, true)) {
            thread.execute(this::work);
        }
    }

    /** Runs {@code task} on the background thread, after the work queued before it. */
    void execute(Runnable task) {
        thread.execute(task);
    }

    /** Runs {@code task} on the background thread and waits for its result. */
    <T> T call(Callable<T> task) throws InterruptedException, ExecutionException {
        return thread.submit(task).get();
    }

    /**
     * One round on the background thread: builds (or rebuilds) the index from a snapshot of the
     * sealed segments without holding the shard's lock and has the shard install it; or adds newly
     * sealed segments to the live index. Searches keep running throughout.
     */
    void work() {
        // While a write stream keeps coming, training and adding rows would take its CPUs: wait for a pause
        // (bounded; not while searches need the index). Segments sealed meanwhile join this round's snapshot;
        // a closing shard stops waiting.
        if (!config.builds().awaitQuiet(host::lastWriteNanos, host::lastSearchNanos, host::closing)) {
            return;
        }
        queued.set(false); // a segment sealed from now on queues another round
        Sealed now = host.sealed();
        if (now == null) {
            return;
        }
        long sealedRows = now.segments().stream().mapToLong(x -> x.segment().count()).sum();
        ShardIndex current = now.index();
        boolean rebuild = current == null || sealedRows >= config.index().rebuildFactor() * current.trainedRows;
        if (rebuild && sealedRows < config.index().buildThreshold()) {
            return;
        }
        // A build waiting for its turn counts as building: it will run as soon as a slot is free.
        building = rebuild;
        try {
            buildOrExtend(now.segments(), current, rebuild);
        } finally {
            building = false;
        }
    }

    private void buildOrExtend(List<SealedSegment> segments, ShardIndex current, boolean rebuild) {
        // A closing shard stops waiting for its turn: the rows stay sealed and are indexed when it opens again.
        if (!config.builds().enter(host::closing)) {
            return;
        }
        try {
            if (rebuild) {
                long started = System.nanoTime();
                String file = "index-" + (segments.isEmpty() ? 0 : segments.getLast().end()) + ".vxi";
                ShardIndex built = ShardIndex.build(provider, config.index(), config.dimension(), config.metric(),
                        segments, file, config.budget());
                built.save(dir);
                host.install(built, current);
                long nanos = System.nanoTime() - started;
                LOG.info("shard {}: built {} over {} rows in {} ms", dir, built.index.spec().description(),
                        built.coveredRows, nanos / 1_000_000);
                listener.indexBuilt(built.index.spec().description(), built.coveredRows, nanos);
            } else {
                current.addSegments(segments);
            }
            lastError = null;
        } catch (RuntimeException e) {
            failed(e.getMessage());
            LOG.error("shard {}: index work failed: {}", dir, e.toString());
            listener.indexBuildFailed(e.toString());
        } finally {
            config.builds().leave();
        }
    }

    /** Records why an index build, load or catch-up failed. */
    void failed(String reason) {
        lastError = reason;
    }

    /** Why the last index build, load or catch-up failed, or null when the last one succeeded. */
    String lastError() {
        return lastError;
    }

    boolean building() {
        return building;
    }

    /** Waits until the work queued so far has finished. */
    void awaitIdle() {
        try {
            thread.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Lets queued work finish (a closing shard's skips ahead) and stops the thread. */
    void shutdown() {
        thread.shutdown();
        try {
            while (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.info("shard {}: waiting for index work to finish before closing", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
