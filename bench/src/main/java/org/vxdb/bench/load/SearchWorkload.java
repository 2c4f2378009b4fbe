package org.vxdb.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vxdb.bench.storage.JsonLine;

/**
 * {@code search}: throughput and latency under load. Per target, first a closed loop of
 * {@code --clients} threads for {@code --duration} seconds (the maximum sustainable rate with that
 * many clients), then an open loop at each {@code --rate} (calls per second, or a percentage of the
 * closed loop's rate, e.g. {@code 25%,50%,75%}), latency measured from each call's scheduled send
 * time. Queries cycle through the dataset's query set.
 */
final class SearchWorkload {

    static final Set<String> OPTIONS = Set.of("clients", "duration", "rate", "workers", "nprobe", "warmup");

    private SearchWorkload() {
    }

    static Outcome run(LoadContext c, List<Target> targets) {
        int clients = c.options.integer("clients", 4, 1);
        long durationNanos = (long) (c.options.decimal("duration", 10) * 1e9);
        if (durationNanos <= 0) {
            throw new IllegalArgumentException("search: --duration must be a positive number of seconds");
        }
        int workers = c.options.integer("workers", 64, 1);
        int nprobe = c.options.integer("nprobe", 0, 0);
        int warmup = c.options.integer("warmup", 200, 0);
        List<String> rates = rateList(c.options.string("rate", ""));
        List<JsonLine> perTarget = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        var series = Outcome.series();
        for (Target t : targets) {
            JsonLine load = c.load(t, c.base().count()).json();
            LoadLoop.Operation search = searchOp(c, t, nprobe);
            JsonLine floor = null;
            LoadLoop.Operation empty = t.emptyCall();
            if (empty != null) {
                // The hop floor: the same clients making empty calls over the same connections, same duration.
                check(t, new LoadLoop(Ticker.SYSTEM).closed(clients, Math.max(warmup, 2000), 0, empty));
                LoadLoop.Result f = check(t, new LoadLoop(Ticker.SYSTEM).closed(clients, 0, durationNanos, empty));
                print(c, t.name(), "hop floor (empty gRPC call), " + clients + " clients", f);
                rows.add(row(t.name(), "hop floor: empty gRPC call, " + clients + " clients", f));
                floor = f.json("us").put("clients", clients);
            }
            LoadLoop.Operation emptySearch = t.emptySearch(c.queries, c.k, nprobe);
            JsonLine pathFloor = null;
            if (emptySearch != null) {
                // The path floor: the same searches, clients and duration against an empty collection.
                check(t, new LoadLoop(Ticker.SYSTEM).closed(clients, Math.max(warmup, 2000), 0, emptySearch));
                LoadLoop.Result f = check(t, new LoadLoop(Ticker.SYSTEM).closed(clients, 0, durationNanos,
                        emptySearch));
                print(c, t.name(), "path floor (search of an empty collection), " + clients + " clients", f);
                rows.add(row(t.name(), "path floor: empty collection, " + clients + " clients", f));
                pathFloor = f.json("us").put("clients", clients);
            }
            if (warmup > 0) {
                check(t, new LoadLoop(Ticker.SYSTEM).closed(clients, warmup, 0, search));
            }
            LoadLoop.Result closed = check(t, new LoadLoop(Ticker.SYSTEM).closed(clients, 0, durationNanos, search));
            double max = closed.achievedRate();
            print(c, t.name(), "closed, " + clients + " clients", closed);
            rows.add(row(t.name(), "closed loop, " + clients + " clients", closed));
            series.put(t.name() + " closed " + clients, closed.latency());
            List<JsonLine> open = new ArrayList<>();
            List<Double> openRates = new ArrayList<>();
            for (String rate : rates) {
                double perSecond = rate.endsWith("%") ? max * Double.parseDouble(rate.substring(0, rate.length() - 1))
                        / 100 : Double.parseDouble(rate);
                LoadLoop.Result r = check(t, new LoadLoop(Ticker.SYSTEM).open(perSecond, workers, 0, durationNanos,
                        search));
                String label = fmtRate(rate, perSecond);
                print(c, t.name(), "open at " + label, r);
                rows.add(row(t.name(), "open loop at " + label, r));
                series.put(t.name() + " open " + label, r.latency());
                open.add(r.json("us").put("rate", rate));
                openRates.add(perSecond);
            }
            // Each floor again at the search's open-loop rates: the transport's own open-loop tail (hop
            // floor) and the tail a search has before its data (path floor), on this machine.
            if (floor != null) {
                floor.put("open_loop", openFloor(c, t, "hop floor", empty, rates, openRates, workers, durationNanos,
                        rows));
            }
            if (pathFloor != null) {
                pathFloor.put("open_loop", openFloor(c, t, "path floor", emptySearch, rates, openRates, workers,
                        durationNanos, rows));
            }
            JsonLine target = new JsonLine().put("target", t.name()).put("load", load)
                    .put("closed_loop", closed.json("us").put("clients", clients)).put("open_loop", open);
            if (floor != null) {
                target.put("hop_floor", floor);
            }
            if (pathFloor != null) {
                target.put("path_floor", pathFloor);
            }
            perTarget.add(target);
        }
        JsonLine json = new JsonLine().put("workload", "search").put("dataset", c.dataset.name())
                .put("n", c.base().count()).put("dim", c.base().dimension()).put("k", c.k).put("index", c.index)
                .put("nprobe", nprobe == 0 ? "default" : nprobe).put("duration_s", durationNanos / 1e9)
                .put("workers", workers).put("targets", perTarget);
        return new Outcome(json, List.of(new Outcome.Table("search latency (us) under load", List.of("target", "loop",
                "achieved/s", "p50", "p99", "p99.9", "max", "late starts", "failed"), rows)), series);
    }

    /** {@code op} in an open loop at each of the search's rates, printed and added to {@code rows}. */
    private static List<JsonLine> openFloor(LoadContext c, Target t, String floor, LoadLoop.Operation op,
                                            List<String> rates, List<Double> perSecond, int workers,
                                            long durationNanos, List<List<String>> rows) {
        List<JsonLine> out = new ArrayList<>();
        for (int r = 0; r < rates.size(); r++) {
            LoadLoop.Result f = check(t, new LoadLoop(Ticker.SYSTEM).open(perSecond.get(r), workers, 0, durationNanos,
                    op));
            String label = fmtRate(rates.get(r), perSecond.get(r));
            print(c, t.name(), floor + " open at " + label, f);
            rows.add(row(t.name(), floor + ": open loop at " + label, f));
            out.add(f.json("us").put("rate", rates.get(r)));
        }
        return out;
    }

    static LoadLoop.Operation searchOp(LoadContext c, Target t, int nprobe) {
        return i -> {
            long[] ids = new long[c.k];
            float[] distances = new float[c.k];
            t.search(c.queries[(int) (i % c.queries.length)], c.k, nprobe, ids, distances);
        };
    }

    /** {@code 100,200} or {@code 25%,50%}: each a positive number, optionally a percentage. */
    static List<String> rateList(String text) {
        List<String> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String p = part.trim();
            String number = p.endsWith("%") ? p.substring(0, p.length() - 1) : p;
            double v;
            try {
                v = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("--rate '" + p + "' is not a positive rate per second or percentage");
            }
            out.add(p);
        }
        return out;
    }

    static LoadLoop.Result check(Target t, LoadLoop.Result r) {
        if (r.failed() > 0) {
            throw new IllegalStateException(t.name() + ": " + r.failed() + " calls failed, first: " + r.firstError());
        }
        return r;
    }

    private static String fmtRate(String given, double perSecond) {
        return given.endsWith("%") ? String.format(Locale.ROOT, "%s (%.0f/s)", given, perSecond)
                : String.format(Locale.ROOT, "%.0f/s", perSecond);
    }

    static void print(LoadContext c, String target, String what, LoadLoop.Result r) {
        c.out.printf(Locale.ROOT, "%s %s: %.0f/s achieved, %d calls, latency us p50 %.1f p99 %.1f p99.9 %.1f max %.1f"
                + "%s%n", target, what, r.achievedRate(), r.completed(), RecallWorkload.us(r.latency(), 50),
                RecallWorkload.us(r.latency(), 99), RecallWorkload.us(r.latency(), 99.9), r.latency().getMaxValue() / 1e3,
                r.targetRate() > 0 ? ", late starts " + r.lateStarts() : "");
    }

    static List<String> row(String target, String loop, LoadLoop.Result r) {
        return List.of(target, loop, RecallWorkload.fmt("%.0f", r.achievedRate()),
                RecallWorkload.fmt("%.1f", RecallWorkload.us(r.latency(), 50)),
                RecallWorkload.fmt("%.1f", RecallWorkload.us(r.latency(), 99)),
                RecallWorkload.fmt("%.1f", RecallWorkload.us(r.latency(), 99.9)),
                RecallWorkload.fmt("%.1f", r.latency().getMaxValue() / 1e3),
                r.targetRate() > 0 ? Long.toString(r.lateStarts()) : "-", Long.toString(r.failed()));
    }
}
