package org.vxdb.coordinator.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.security.Operation;

/**
 * The coordinator's live view of its own traffic, for the dashboard: every call the core runs is
 * recorded here (whatever protocol it came from), and once per {@link #PERIOD} the interval is
 * turned into one {@link Sample}: rates, latency percentiles from HdrHistogram recorders, errors
 * and partial searches. The last {@link #HISTORY} samples are kept so that a page that opens
 * draws the recent past at once; subscribers get each new sample as it is made.
 */
public final class LiveStats implements AutoCloseable {

    /** How often a sample is made. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    /** Samples kept: five minutes at one per second. */
    public static final int HISTORY = 300;

    private static final Logger LOG = LoggerFactory.getLogger(LiveStats.class);
    /** Latencies are recorded in microseconds, up to an hour, to two significant digits. */
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    /**
     * One interval's figures; latencies in milliseconds (0 when no call of that kind finished).
     *
     * @param atMillis                 epoch milliseconds at the end of the interval
     * @param searchesPerSecond        searches answered (successfully or not)
     * @param writesPerSecond          insert, upsert and delete calls (a stream's batches count one each)
     * @param rowsWrittenPerSecond     rows those calls wrote: the ingest rate
     * @param readsPerSecond           get calls
     * @param errorsPerSecond          calls of any kind that failed
     * @param partialSearchesPerSecond searches answered without some cluster ranges
     * @param inFlight                 calls running or queued in the core at the end of the interval
     */
    public record Sample(long atMillis, double searchesPerSecond, double writesPerSecond,
                         double rowsWrittenPerSecond, double readsPerSecond, double errorsPerSecond,
                         double partialSearchesPerSecond, double searchP50Millis, double searchP99Millis,
                         double writeP50Millis, double writeP99Millis, int inFlight) {
    }

    /** A subscription to new samples; closing it stops them. */
    public interface Subscription extends AutoCloseable {
        /** The samples made before it began, oldest first. */
        List<Sample> history();

        @Override
        void close();
    }

    private final Recorder searchLatency = new Recorder(MAX_MICROS, 2);
    private final Recorder writeLatency = new Recorder(MAX_MICROS, 2);
    private final LongAdder searches = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder rowsWritten = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder partial = new LongAdder();
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private final CopyOnWriteArrayList<Consumer<Sample>> subscribers = new CopyOnWriteArrayList<>();
    private final IntSupplier inFlight;
    private final ScheduledExecutorService timer;
    private Histogram searchInterval;
    private Histogram writeInterval;
    private long lastNanos = System.nanoTime();

    /**
     * @param inFlight reads the core's calls in flight
     * @param sampling take a sample every {@link #PERIOD} on a thread of its own (false: only when
     *                 {@link #sample(long)} is called, for tests)
     */
    LiveStats(IntSupplier inFlight, boolean sampling) {
        this.inFlight = inFlight;
        if (!sampling) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vxdb-live-stats");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sampleSafely, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One finished call of the core.
     *
     * @param rows rows the call wrote or read (-1 when it failed or has none)
     */
    void record(Operation op, long nanos, boolean failed, long rows, boolean partialSearch) {
        long micros = Math.min(MAX_MICROS, Math.max(0, nanos / 1000));
        switch (op) {
            case SEARCH -> {
                searches.increment();
                searchLatency.recordValue(micros);
                if (partialSearch) {
                    partial.increment();
                }
            }
            case INSERT, UPSERT, DELETE -> {
                writes.increment();
                writeLatency.recordValue(micros);
                if (!failed && rows > 0 && op != Operation.DELETE) {
                    rowsWritten.add(rows);
                }
            }
            case GET -> reads.increment();
            default -> {
            }
        }
        if (failed) {
            errors.increment();
        }
    }

    /** Subscribes {@code each} to the samples made from now on; it must not block (it runs on the sampling thread). */
    public Subscription subscribe(Consumer<Sample> each) {
        List<Sample> before;
        synchronized (history) {
            before = List.copyOf(history);
            subscribers.add(each);
        }
        return new Subscription() {
            @Override
            public List<Sample> history() {
                return before;
            }

            @Override
            public void close() {
                subscribers.remove(each);
            }
        };
    }

    /** The samples kept, oldest first. */
    public List<Sample> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private void sampleSafely() {
        try {
            sample(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("live stats: a sample failed: {}", e.toString());
        }
    }

    /** Ends the current interval at {@code now} ({@link System#nanoTime()}): one sample, kept and handed to every subscriber. */
    Sample sample(long now) {
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        searchInterval = searchLatency.getIntervalHistogram(searchInterval);
        writeInterval = writeLatency.getIntervalHistogram(writeInterval);
        Sample s = new Sample(System.currentTimeMillis(), searches.sumThenReset() / seconds,
                writes.sumThenReset() / seconds, rowsWritten.sumThenReset() / seconds, reads.sumThenReset() / seconds,
                errors.sumThenReset() / seconds, partial.sumThenReset() / seconds, millis(searchInterval, 50),
                millis(searchInterval, 99), millis(writeInterval, 50), millis(writeInterval, 99),
                inFlight.getAsInt());
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(s);
            // Under the lock, so that a subscriber gets each sample once: in its history or from here.
            for (Consumer<Sample> each : subscribers) {
                try {
                    each.accept(s);
                } catch (RuntimeException e) {
                    subscribers.remove(each);
                    LOG.warn("live stats: a subscriber failed and was removed: {}", e.toString());
                }
            }
        }
        return s;
    }

    private static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        subscribers.clear();
    }
}
