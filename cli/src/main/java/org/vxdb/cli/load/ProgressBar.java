package org.vxdb.cli.load;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr, redrawn at most ten times a second; silent when not a terminal. */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long drawn;

    ProgressBar(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    void update(double fraction, long rows, long sentThisRun, boolean force) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - drawn < REDRAW_NANOS) {
            return;
        }
        drawn = now;
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        err.printf(Locale.ROOT, "\r[%s%s] %3d%%  %,d rows  %,.0f rows/s ", "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                Math.round(fraction * 100), rows, sentThisRun / seconds);
        err.flush();
    }

    void finish() {
        if (enabled) {
            err.println();
            err.flush();
        }
    }
}
