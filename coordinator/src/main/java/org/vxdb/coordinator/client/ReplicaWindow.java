package org.vxdb.coordinator.client;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The replica write calls one node may have in flight from this coordinator
 * ({@code write.replica_window}). A write needed for its consistency level waits for a permit
 * (within its deadline); one beyond the level that finds no permit becomes a hint instead, so a
 * node that is slow or catching up is never flooded by background replication.
 */
public final class ReplicaWindow {

    private final int size;
    private final Semaphore permits;

    public ReplicaWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("replica window must be >= 1, got " + size);
        }
        this.size = size;
        this.permits = new Semaphore(size);
    }

    /** A permit now, or false. */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /** A permit within {@code millis}, or false (also when interrupted, which stays set). */
    public boolean tryAcquire(long millis) {
        try {
            return permits.tryAcquire(Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release() {
        permits.release();
    }

    public int size() {
        return size;
    }

    /** Permits held now. */
    public int inUse() {
        return size - permits.availablePermits();
    }
}
