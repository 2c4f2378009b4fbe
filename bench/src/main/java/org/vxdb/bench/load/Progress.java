package org.vxdb.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar for long phases, redrawn in place on standard error twice a second by a daemon
 * thread: {@code loading embedded [#######.............] 35% 350000/1000000 41.2k/s eta 16 s}.
 * Off (every call a no-op) when standard error is not a terminal, unless forced on.
 */
public final class Progress implements AutoCloseable {

    private static final int WIDTH = 30;
    private static final long REDRAW_MILLIS = 500;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final Thread painter;

    private Progress(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.painter = err == null ? null : Thread.ofPlatform().daemon().name("progress").start(this::paintLoop);
    }

    /** A bar over {@code total} units; drawn when {@code enabled}. */
    public static Progress start(String label, long total, boolean enabled) {
        return new Progress(enabled ? System.err : null, label, total);
    }

    /** Whether a bar would be seen: standard error is a terminal. */
    public static boolean terminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    public void advance(long units) {
        done.addAndGet(units);
    }

    private void paintLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(REDRAW_MILLIS);
                paint();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void paint() {
        long d = Math.min(done.get(), total);
        double fraction = total == 0 ? 1 : d / (double) total;
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (System.nanoTime() - started) / 1e9;
        double rate = seconds > 0 ? d / seconds : 0;
        String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", (total - d) / rate) : "?";
        err.printf(Locale.ROOT, "\r%s [%s%s] %3.0f%% %d/%d %s/s eta %s   ", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), fraction * 100, d, total, compact(rate), eta);
        err.flush();
    }

    static String compact(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        return v >= 1e3 ? String.format(Locale.ROOT, "%.1fk", v / 1e3) : String.format(Locale.ROOT, "%.0f", v);
    }

    @Override
    public void close() {
        if (painter != null) {
            painter.interrupt();
            paint();
            err.println();
        }
    }
}
