package org.vxdb.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.bench.storage.Latencies;

/**
 * Drives one operation from several threads, closed or open loop, and accounts for every call.
 *
 * <p><b>Closed loop</b> ({@link #closed}): each of {@code clients} threads calls the operation again
 * as soon as the previous call returned, until {@code count} calls were started or the duration
 * is over. Latency is service time; throughput is the maximum this many clients sustain.
 *
 * <p><b>Open loop</b> ({@link #open}): call {@code i} is <em>scheduled</em> at
 * {@code start + i / rate}, whatever happened to earlier calls. Workers take the next call, wait
 * for its scheduled time (if it is still ahead) and make it; its latency is measured from the
 * scheduled time, not from when a worker got to it, so a stall delays and counts against every
 * call scheduled during it (no coordinated omission). The service time (from the actual send) is
 * kept apart. When every worker is busy, calls start late; {@link Result#lateStarts} counts those
 * that started more than a tenth of a millisecond after their time.
 */
public final class LoadLoop {

    /** A call that started this much after its scheduled time counts as late. */
    static final long LATE_NANOS = 100_000;

    /** The operation: call number {@code i} (0, 1, 2 ...). */
    @FunctionalInterface
    public interface Operation {
        void call(long i) throws Exception;
    }

    /** What a loop measured. Latencies are nanoseconds. */
    public record Result(long completed, long failed, String firstError, long elapsedNanos, Histogram latency,
                         Histogram serviceTime, long lateStarts, double targetRate) {

        /** Completed calls per second over the whole run (first scheduled time to last completion). */
        public double achievedRate() {
            return elapsedNanos == 0 ? 0 : completed / (elapsedNanos / 1e9);
        }

        public JsonLine json(String unit) {
            JsonLine j = new JsonLine().put("completed", completed).put("failed", failed)
                    .put("seconds", elapsedNanos / 1e9).put("achieved_rate", achievedRate());
            if (targetRate > 0) {
                j.put("target_rate", targetRate).put("late_starts", lateStarts);
            }
            j.put("latency", Latencies.summary(latency, unit));
            if (targetRate > 0) {
                j.put("service_time", Latencies.summary(serviceTime, unit));
            }
            if (firstError != null) {
                j.put("first_error", firstError);
            }
            return j;
        }
    }

    private final Ticker ticker;

    public LoadLoop(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Closed loop: {@code clients} threads, until {@code count} calls or {@code durationNanos} (0: no limit). */
    public Result closed(int clients, long count, long durationNanos, Operation op) {
        checkLimits(count, durationNanos);
        return run(clients, count, durationNanos, 0, op);
    }

    /** Open loop at {@code rate} calls per second on {@code workers} threads, until {@code count} calls or the duration. */
    public Result open(double rate, int workers, long count, long durationNanos, Operation op) {
        checkLimits(count, durationNanos);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("open loop: rate must be a positive number of calls per second, got "
                    + rate);
        }
        return run(workers, count, durationNanos, rate, op);
    }

    private static void checkLimits(long count, long durationNanos) {
        if (count <= 0 && durationNanos <= 0) {
            throw new IllegalArgumentException("a load loop needs a call count or a duration");
        }
    }

    private Result run(int threads, long count, long durationNanos, double rate, Operation op) {
        if (threads < 1) {
            throw new IllegalArgumentException("a load loop needs at least one thread, got " + threads);
        }
        Accounts acc = new Accounts(ticker.nanoTime(), count <= 0 ? Long.MAX_VALUE : count,
                durationNanos <= 0 ? Long.MAX_VALUE : durationNanos, rate);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = Thread.ofPlatform().name("load-" + t).start(() -> work(acc, op));
            workers.add(w);
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the load threads", e);
            }
        }
        return new Result(acc.completed.get(), acc.failed.get(), acc.firstError.get(),
                Math.max(0, acc.lastEnd.get() - acc.start), acc.latency.getIntervalHistogram(),
                acc.service.getIntervalHistogram(), acc.late.get(), rate);
    }

    /** Shared counters of one run. */
    private static final class Accounts {
        final long start;
        final long maxCalls;
        final long durationNanos;
        final double rate;
        final AtomicLong next = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final AtomicLong lastEnd;
        final AtomicReference<String> firstError = new AtomicReference<>();
        final Recorder latency = new Recorder(3);
        final Recorder service = new Recorder(3);

        Accounts(long start, long maxCalls, long durationNanos, double rate) {
            this.start = start;
            this.maxCalls = maxCalls;
            this.durationNanos = durationNanos;
            this.rate = rate;
            this.lastEnd = new AtomicLong(start);
        }

        /** When call {@code i} is due: its schedule in an open loop, "now" in a closed one. */
        long scheduledTime(long i, long now) {
            return rate > 0 ? start + (long) (i * 1e9 / rate) : now;
        }
    }

    private void work(Accounts acc, Operation op) {
        while (true) {
            long i = acc.next.getAndIncrement();
            if (i >= acc.maxCalls) {
                return;
            }
            long scheduled = acc.scheduledTime(i, ticker.nanoTime());
            if (scheduled - acc.start >= acc.durationNanos) {
                return;
            }
            ticker.sleepUntil(scheduled);
            long sent = ticker.nanoTime();
            if (sent - scheduled > LATE_NANOS) {
                acc.late.incrementAndGet();
            }
            try {
                op.call(i);
            } catch (Exception e) {
                acc.failed.incrementAndGet();
                acc.firstError.compareAndSet(null, e.toString());
                continue;
            }
            long end = ticker.nanoTime();
            acc.latency.recordValue(end - scheduled);
            acc.service.recordValue(end - sent);
            acc.completed.incrementAndGet();
            acc.lastEnd.accumulateAndGet(end, Math::max);
        }
    }
}
