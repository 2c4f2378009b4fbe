package org.vxdb.storage.shard;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a shard's {@link ShardView}s and closes what they no longer need (as Lucene's
 * SearcherManager, with one reference count per view instead of one per file).
 *
 * <p>The shard publishes under its write lock; searches {@link #acquire} the current view without
 * any lock and release it when done. A publication hands over what the new view dropped; those
 * objects may still be read through the previous view or any older one, so they are closed once
 * every view up to the one that had them is released. Views are released in any order but
 * reclaimed oldest first: each holds a link to its successor and what that successor dropped.
 */
final class ShardViews {

    private static final Logger LOG = LoggerFactory.getLogger(ShardViews.class);

    private final String shard;
    private volatile ShardView current;
    /** The oldest view whose drops are not closed yet. Guarded by this. */
    private ShardView oldest;
    /** Objects closed so far (tests). Guarded by this. */
    private long closedCount;

    ShardViews(String shard) {
        this.shard = shard;
    }

    /** The current view, for the shard's own use under its lock (no reference taken); null before the first. */
    ShardView current() {
        return current;
    }

    /**
     * The current view with a reference the caller releases ({@link #release}); fails once the shard
     * is closed. Never waits: a view released meanwhile means a newer one is current, which is taken.
     */
    ShardView acquire() {
        ShardView v = tryAcquire();
        if (v == null) {
            throw new IllegalStateException("shard " + shard + " is closed");
        }
        return v;
    }

    /** {@link #acquire}, or null once the shard is closed. */
    ShardView tryAcquire() {
        while (true) {
            ShardView v = current;
            if (v == null || v.tryRetain()) {
                return v;
            }
        }
    }

    /**
     * Runs {@code body} on the current view, holding a reference, if that view's index is {@code
     * index}; false, without running it, once the shard is closed or the index was replaced (the
     * recall calibration's samples are only worth taking on the index they calibrate).
     */
    boolean readIfCurrent(ShardIndex index, Consumer<ShardView> body) {
        ShardView v = tryAcquire();
        if (v == null) {
            return false;
        }
        try {
            if (v.index != index) {
                return false;
            }
            body.accept(v);
            return true;
        } finally {
            release(v);
        }
    }

    /** Whether {@code index} is no longer the current view's (replaced, or the shard closed). */
    boolean replaced(ShardIndex index) {
        ShardView v = current;
        return v == null || v.index != index;
    }

    void release(ShardView view) {
        if (view.releaseRef()) {
            reclaim();
        }
    }

    /**
     * Makes {@code next} current (null: the shard closed) and gives the objects the previous view had
     * and {@code next} does not to be closed once no view that may read them is held.
     */
    void publish(ShardView next, List<? extends AutoCloseable> dropped) {
        ShardView previous;
        synchronized (this) {
            previous = current;
            if (previous == null) {
                if (!dropped.isEmpty()) {
                    throw new IllegalStateException("shard " + shard + ": nothing to drop before the first view");
                }
                oldest = next;
            } else {
                previous.next = next;
                previous.dropped = List.copyOf(dropped);
            }
            current = next;
        }
        if (previous != null) {
            release(previous);
        }
    }

    /** Closes the drops of the oldest views once each of them, and all before it, is released. */
    private void reclaim() {
        List<AutoCloseable> toClose = new ArrayList<>();
        synchronized (this) {
            while (oldest != null && oldest != current && oldest.released()) {
                toClose.addAll(oldest.dropped);
                oldest.dropped = List.of();
                oldest = oldest.next;
            }
            closedCount += toClose.size();
        }
        closeAll(shard, toClose);
    }

    /** Closes each of {@code objects}; a failure is logged (with the shard's name) and the rest still close. */
    static void closeAll(String shard, List<? extends AutoCloseable> objects) {
        for (AutoCloseable c : objects) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("shard {}: closing {} failed: {}", shard, c, e.toString());
            }
        }
    }

    /** Objects dropped by publications and closed since (tests). */
    synchronized long closedCount() {
        return closedCount;
    }
}
