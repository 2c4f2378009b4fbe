package org.vxdb.bench.load;

import java.util.concurrent.locks.LockSupport;

/** The clock the load loops read and wait on; tests replace it with a virtual one. */
public interface Ticker {

    long nanoTime();

    /** Returns at {@code deadlineNanos} or later; at once when it has passed. */
    void sleepUntil(long deadlineNanos);

    /** {@link System#nanoTime()}, waiting with {@link LockSupport#parkNanos}. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        }
    };
}
