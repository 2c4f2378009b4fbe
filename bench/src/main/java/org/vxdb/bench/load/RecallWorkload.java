package org.vxdb.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.bench.storage.Latencies;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;

/**
 * {@code recall}: every query of the dataset against every target, for each nprobe; recall@k
 * against the exact ground truth (tie-aware when the dataset has distances), QPS and latency
 * percentiles. Within each nprobe every target runs in its own steady block (warm-up, then all its
 * rounds; remote targets also their hop floor), and each target's best QPS at recall >=
 * {@code --recall-goal} is reported as a ratio to the first target's (the baseline).
 */
final class RecallWorkload {

    static final Set<String> OPTIONS = Set.of("nprobe", "rounds", "warmup", "clients", "recall-goal");
    /** Relative tolerance for distance ties (float rounding differs between the server and the ground truth). */
    static final double TIE_TOLERANCE = 1e-5;

    private RecallWorkload() {
    }

    /** One target's answers to every query: ids and distances, {@code nq x k}. */
    record Answers(long[][] ids, float[][] distances) {
        static Answers of(int nq, int k) {
            return new Answers(new long[nq][k], new float[nq][k]);
        }
    }

    /** What one target measured at one nprobe. */
    record Point(String target, int nprobe, double recall, double qps, Histogram latency, Histogram floor) {
        JsonLine json() {
            JsonLine j = new JsonLine().put("target", target).put("nprobe", nprobe == 0 ? "default" : nprobe)
                    .put("recall", recall).put("qps", qps).put("latency", Latencies.summary(latency, "us"));
            return floor == null ? j : j.put("hop_floor_latency", Latencies.summary(floor, "us"));
        }
    }

    static Outcome run(LoadContext c, List<Target> targets) {
        int rounds = c.options.integer("rounds", 1, 1);
        int warmup = c.options.integer("warmup", 1000, 0);
        int clients = c.options.integer("clients", 1, 1);
        double goal = c.options.decimal("recall-goal", 0.95);
        List<Integer> nprobes = c.options.nprobes("nprobe", "default");
        Dataset ds = c.dataset;
        List<JsonLine> loads = new ArrayList<>();
        for (Target t : targets) {
            loads.add(c.load(t, ds.base().count()).json());
        }
        c.out.printf(Locale.ROOT, "%-28s %8s %8s %9s %9s %9s %9s %9s%n", "target", "nprobe", "recall@" + c.k, "qps",
                "p50 us", "p99 us", "p99.9 us", "max us");
        List<Point> points = new ArrayList<>();
        for (int nprobe : nprobes) {
            points.addAll(measure(c, targets, nprobe, rounds, warmup, clients));
        }
        return outcome(c, targets, loads, points, goal, rounds, clients);
    }

    /**
     * Each target in its own steady block: its warm-up right before its rounds, all its rounds back
     * to back (targets never interleave, so a remote JVM is not measured cold after another target's
     * turn), and for a remote target the hop floor (empty calls over the same connections) in the
     * same block.
     */
    private static List<Point> measure(LoadContext c, List<Target> targets, int nprobe, int rounds, int warmup,
                                       int clients) {
        int nq = c.dataset.queries().count();
        List<Point> points = new ArrayList<>();
        for (Target t : targets) {
            Answers answers = Answers.of(nq, c.k);
            Histogram latency = Latencies.newHistogram();
            // --warmup searches, cycling through the queries when there are fewer (sift-5k has 100).
            if (warmup > 0) {
                pass(c, t, nprobe, warmup, clients, Answers.of(nq, c.k));
            }
            Histogram floor = null;
            LoadLoop.Operation empty = t.emptyCall();
            if (empty != null) {
                new LoadLoop(Ticker.SYSTEM).closed(clients, Math.max(warmup, 1000), 0, empty);
                LoadLoop.Result f = new LoadLoop(Ticker.SYSTEM).closed(clients, (long) rounds * nq, 0, empty);
                if (f.failed() > 0) {
                    throw new IllegalStateException(t.name() + ": " + f.failed() + " empty calls failed, first: "
                            + f.firstError());
                }
                floor = f.latency();
            }
            long completed = 0;
            long elapsed = 0;
            for (int r = 0; r < rounds; r++) {
                LoadLoop.Result res = pass(c, t, nprobe, nq, clients, answers);
                latency.add(res.latency());
                completed += res.completed();
                elapsed += res.elapsedNanos();
            }
            Point p = new Point(t.name(), nprobe, recall(answers, c.dataset, c.k), completed / (elapsed / 1e9),
                    latency, floor);
            c.out.printf(Locale.ROOT, "%-28s %8s %8.4f %9.0f %9.1f %9.1f %9.1f %9.1f%s%n", p.target(),
                    nprobe == 0 ? "default" : Integer.toString(nprobe), p.recall(), p.qps(), us(p.latency(), 50),
                    us(p.latency(), 99), us(p.latency(), 99.9), p.latency().getMaxValue() / 1e3,
                    floor == null ? "" : fmt("   (hop floor p50 %.1f, p99 %.1f)", us(floor, 50), us(floor, 99)));
            points.add(p);
        }
        return points;
    }

    /**
     * Searches {@code count} queries on {@code clients} threads, query {@code i mod nq} for call {@code i}
     * (so each query once when {@code count} is the query count); a failed search fails the run.
     */
    private static LoadLoop.Result pass(LoadContext c, Target t, int nprobe, int count, int clients, Answers into) {
        float[][] queries = c.queries;
        LoadLoop.Result r = new LoadLoop(Ticker.SYSTEM).closed(clients, count, 0, i -> {
            int q = (int) (i % queries.length);
            t.search(queries[q], c.k, nprobe, into.ids()[q], into.distances()[q]);
        });
        if (r.failed() > 0) {
            throw new IllegalStateException(t.name() + ": " + r.failed() + " of " + count + " searches failed, first: "
                    + r.firstError());
        }
        return r;
    }

    /** Mean recall@k over all queries, tie-aware when the dataset has ground-truth distances. */
    static double recall(Answers a, Dataset ds, int k) {
        long hits = 0;
        for (int q = 0; q < a.ids().length; q++) {
            float[] truthDist = ds.groundTruthDistances() == null ? null : ds.groundTruthDistances()[q];
            hits += Recall.hits(a.ids()[q], a.distances()[q], ds.groundTruth()[q], truthDist, k, TIE_TOLERANCE);
        }
        return hits / (double) ((long) a.ids().length * k);
    }

    private static Outcome outcome(LoadContext c, List<Target> targets, List<JsonLine> loads, List<Point> points,
                                   double goal, int rounds, int clients) {
        Map<String, Point> best = new LinkedHashMap<>();
        for (Target t : targets) {
            Point b = null;
            for (Point p : points) {
                if (p.target().equals(t.name()) && p.recall() >= goal && (b == null || p.qps() > b.qps())) {
                    b = p;
                }
            }
            best.put(t.name(), b);
        }
        Point baseline = best.get(targets.get(0).name());
        List<JsonLine> atGoal = new ArrayList<>();
        List<List<String>> ratioRows = new ArrayList<>();
        Map<String, Histogram> series = Outcome.series();
        for (Map.Entry<String, Point> e : best.entrySet()) {
            Point p = e.getValue();
            Double ratio = p == null || baseline == null ? null : p.qps() / baseline.qps();
            atGoal.add(new JsonLine().put("target", e.getKey()).put("nprobe", p == null ? null : p.json().get("nprobe"))
                    .put("recall", p == null ? null : p.recall()).put("qps", p == null ? null : p.qps())
                    .put("qps_ratio_to_baseline", ratio));
            ratioRows.add(List.of(e.getKey(), p == null ? "-" : String.valueOf(p.json().get("nprobe")),
                    p == null ? "not reached" : fmt("%.4f", p.recall()), p == null ? "-" : fmt("%.0f", p.qps()),
                    ratio == null ? "-" : fmt("%.3f", ratio)));
            if (p != null) {
                series.put(e.getKey() + " nprobe=" + p.json().get("nprobe"), p.latency());
            }
            String line = p == null ? "recall@" + c.k + " >= " + goal + " not reached"
                    : fmt("best at recall@%d >= %s: nprobe %s, %.0f qps", c.k, goal, p.json().get("nprobe"), p.qps())
                    + (ratio == null ? "" : fmt(" = %.3f of %s", ratio, targets.get(0).name()));
            c.out.printf(Locale.ROOT, "%s: %s%n", e.getKey(), line);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Point p : points) {
            rows.add(List.of(p.target(), String.valueOf(p.json().get("nprobe")), fmt("%.4f", p.recall()),
                    fmt("%.0f", p.qps()), fmt("%.1f", us(p.latency(), 50)), fmt("%.1f", us(p.latency(), 99)),
                    fmt("%.1f", us(p.latency(), 99.9)), fmt("%.1f", p.latency().getMaxValue() / 1e3)));
        }
        JsonLine json = new JsonLine().put("workload", "recall").put("dataset", c.dataset.name())
                .put("n", c.dataset.base().count()).put("dim", c.dataset.base().dimension())
                .put("queries", c.dataset.queries().count()).put("k", c.k).put("index", c.index)
                .put("rounds", rounds).put("clients", clients).put("baseline", targets.get(0).name())
                .put("recall_goal", goal).put("loads", loads)
                .put("results", points.stream().map(Point::json).toList()).put("at_recall_goal", atGoal);
        List<Outcome.Table> tables = List.of(
                new Outcome.Table("recall@" + c.k + " and latency per nprobe", List.of("target", "nprobe",
                        "recall@" + c.k, "QPS", "p50 us", "p99 us", "p99.9 us", "max us"), rows),
                new Outcome.Table("best QPS at recall@" + c.k + " >= " + goal + ", relative to " + targets.get(0).name(),
                        List.of("target", "nprobe", "recall", "QPS", "ratio"), ratioRows));
        return new Outcome(json, tables, series);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }
}
