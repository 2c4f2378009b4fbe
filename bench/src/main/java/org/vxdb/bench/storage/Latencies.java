package org.vxdb.bench.storage;

import org.HdrHistogram.Histogram;

/** HdrHistograms of nanoseconds and their summaries. */
public final class Latencies {

    /** One hour in nanoseconds; anything slower is a hang, not a latency. */
    private static final long HIGHEST_NANOS = 3_600_000_000_000L;

    private Latencies() {
    }

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_NANOS, 3);
    }

    /** p50, p99, p99.9, max and mean in {@code unit} ("us" or "ms"). */
    public static JsonLine summary(Histogram h, String unit) {
        double div = switch (unit) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
        return new JsonLine()
                .put("unit", unit)
                .put("count", h.getTotalCount())
                .put("p50", h.getValueAtPercentile(50) / div)
                .put("p99", h.getValueAtPercentile(99) / div)
                .put("p99_9", h.getValueAtPercentile(99.9) / div)
                .put("max", h.getMaxValue() / div)
                .put("mean", h.getMean() / div);
    }
}
