package org.vxdb.storage.memory;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node-wide budget for native memory the storage engine allocates itself: memory buffers, index
 * builds (training samples, the index), loaded indexes and per-search buffers. Every such
 * allocation reserves its size first; a reservation that would pass the limit fails with
 * {@link NativeMemoryExhaustedException} before anything is allocated, so running out is a clear
 * error for one request, never the kernel's OOM killer. Memory-mapped segment files are not counted:
 * they are page cache the kernel can evict.
 */
public final class NativeMemoryBudget {

    /** No limit (tests and tools). */
    public static final NativeMemoryBudget UNLIMITED = new NativeMemoryBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public NativeMemoryBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("native memory budget must be >= 1 byte, got " + limitBytes);
        }
        this.limit = limitBytes;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used.get();
    }

    /** Reserves {@code bytes} for {@code what}, or throws without reserving anything. */
    public Reservation reserve(long bytes, String what) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes for " + what);
        }
        while (true) {
            long now = used.get();
            long next = now + bytes;
            if (next > limit || next < 0) {
                throw new NativeMemoryExhaustedException("native memory budget exceeded: " + what + " needs "
                        + human(bytes) + ", " + human(now) + " of " + human(limit) + " already in use");
            }
            if (used.compareAndSet(now, next)) {
                return new Reservation(bytes);
            }
        }
    }

    static String human(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Bytes held against the budget until closed; closing twice releases once. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private boolean released;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                used.addAndGet(-bytes);
            }
        }
    }
}
