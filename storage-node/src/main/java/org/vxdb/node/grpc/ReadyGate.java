package org.vxdb.node.grpc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Lets a sending thread wait until a gRPC stream can take another message, woken by the call's
 * on-ready and on-cancel handlers. A bounded wait re-checks in case a signal came between the check
 * and the wait.
 */
final class ReadyGate {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void awaitReady(BooleanSupplier ready, BooleanSupplier cancelled) throws SnapshotStreamer.CancelledException {
        lock.lock();
        try {
            while (true) {
                if (cancelled.getAsBoolean()) {
                    throw new SnapshotStreamer.CancelledException();
                }
                if (ready.getAsBoolean()) {
                    return;
                }
                changed.await(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotStreamer.CancelledException();
        } finally {
            lock.unlock();
        }
    }
}
