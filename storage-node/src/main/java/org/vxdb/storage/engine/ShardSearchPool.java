package org.vxdb.storage.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Runs the per-shard parts of one search side by side on a bounded pool. The calling thread takes
 * part: tasks are claimed one by one from a shared counter, by the caller and by at most
 * {@code threads - 1} pool helpers, so a busy pool never delays a search (the caller then runs
 * every task itself) and no task waits in a queue behind other searches. Owned by the engine.
 */
public final class ShardSearchPool implements AutoCloseable {

    private final int threads;
    private final ThreadPoolExecutor pool;

    public ShardSearchPool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("searchThreads " + threads + " is invalid: use 1-1024");
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        // Helpers beyond the queue's room are dropped: the tasks they would have claimed go to the others.
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 2), r -> {
                    Thread t = new Thread(r, "vxdb-shard-search-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
        this.pool.allowCoreThreadTimeOut(true);
    }

    public int threads() {
        return threads;
    }

    /**
     * {@code task(0) .. task(n - 1)}, in that order, run side by side. The first failure is thrown
     * (after every task has finished), with the others suppressed.
     */
    public <T> List<T> runAll(int n, IntFunction<T> task) {
        List<T> out = new ArrayList<>(n);
        if (n <= 1 || threads == 1) {
            for (int i = 0; i < n; i++) {
                out.add(task.apply(i));
            }
            return out;
        }
        AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(n);
        AtomicReferenceArray<Throwable> failures = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        Runnable claimer = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    results.set(i, task.apply(i));
                } catch (Throwable t) {
                    failures.set(i, t);
                } finally {
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(n, threads) - 1;
        for (int h = 0; h < helpers; h++) {
            pool.execute(claimer);
        }
        claimer.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the tasks are claimed and running: wait for them, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable first = null;
        for (int i = 0; i < n; i++) {
            Throwable t = failures.get(i);
            if (t != null) {
                if (first == null) {
                    first = t;
                } else {
                    first.addSuppressed(t);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            T r = (T) results.get(i);
            out.add(r);
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
