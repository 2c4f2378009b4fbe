package org.vxdb.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.bench.storage.Latencies;
import org.vxdb.index.Metric;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.vecs.VectorSet;

/**
 * {@code filter}: filtered search against unfiltered search on the same data. Every row gets
 * generated metadata of known selectivity: {@code sel}, an integer spread uniformly over
 * {@code [0, 1000000)} by a hash of the row (so a range {@code sel < p x 10000} matches p % of
 * the rows, independently of the vectors), and {@code cat}, one of ten strings. After the load it
 * measures the unfiltered searches, then (with {@code --filter-baseline true}) each filter with no
 * metadata index (what every filter cost before), then adds the indexes ({@code ordered:sel},
 * {@code inverted:cat}) to the loaded collection, timing each background build and reporting its
 * memory, and measures each filter again. Recall@k is against the exact filtered answer, computed
 * here by brute force over the matching rows.
 */
final class FilterWorkload {

    static final Set<String> OPTIONS = Set.of("filter", "filter-queries", "warmup", "filter-baseline", "filter-node");
    static final String DEFAULT_PERCENTS = "50,10,1,0.1,0.01";
    private static final long SEL_RANGE = 1_000_000;
    private static final MetadataIndexSpec SEL = MetadataIndexSpec.ordered("sel");
    private static final MetadataIndexSpec CAT = MetadataIndexSpec.inverted("cat");

    private FilterWorkload() {
    }

    /** The generated metadata of row {@code row}. */
    static Metadata metadata(int row) {
        return Metadata.of("sel", sel(row), "cat", "c" + cat(row));
    }

    static long sel(int row) {
        return Long.remainderUnsigned(mix(row), SEL_RANGE);
    }

    static int cat(int row) {
        return (int) Long.remainderUnsigned(mix(row ^ 0x5DEECE66DL), 10);
    }

    /** SplitMix64's finaliser: a bijective hash, so generated fields do not follow row order. */
    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The filters of {@code --filter} (percentages), then {@code cat = c3} (10 %). */
    static List<BenchFilter> filters(String percents) {
        List<BenchFilter> out = new ArrayList<>();
        for (String p : percents.split(",")) {
            double percent;
            try {
                percent = Double.parseDouble(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--filter: '" + p + "' is not a percentage");
            }
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("--filter: " + p + " is not a percentage in (0, 100]");
            }
            out.add(BenchFilter.below("sel", Math.round(percent * SEL_RANGE / 100), percent));
        }
        out.add(BenchFilter.equal("cat", "c3", 10));
        return out;
    }

    /** What one target measured for one filter (or none) in one phase. */
    record Point(String target, String phase, String filter, double percent, long matches, double recall,
                 Histogram latency, String plans) {
        JsonLine json() {
            return new JsonLine().put("target", target).put("phase", phase).put("filter", filter)
                    .put("percent", percent).put("matches", matches).put("recall", recall).put("plans", plans)
                    .put("latency", Latencies.summary(latency, "us"));
        }
    }

    static Outcome run(LoadContext c, List<Target> targets) {
        int nq = Math.min(c.queries.length, c.options.integer("filter-queries", 200, 1));
        int warmup = c.options.integer("warmup", 100, 0);
        boolean baseline = Boolean.parseBoolean(c.options.string("filter-baseline", "true"));
        List<BenchFilter> filters = filters(c.options.string("filter", DEFAULT_PERCENTS));
        VectorSet base = c.base();
        long t0 = System.nanoTime();
        Map<BenchFilter, int[]> matching = new LinkedHashMap<>();
        Map<BenchFilter, long[][]> truth = new HashMap<>();
        for (BenchFilter f : filters) {
            int[] rows = IntStream.range(0, base.count()).filter(r -> f.engine().matches(metadata(r))).toArray();
            matching.put(f, rows);
            truth.put(f, exact(base, c.queries, nq, rows, c.k, c.metric));
        }
        long[][] unfilteredTruth = exact(base, c.queries, nq, null, c.k, c.metric);
        c.out.printf(Locale.ROOT, "exact filtered answers for %d queries x %d filters in %.1f s%n", nq, filters.size(),
                (System.nanoTime() - t0) / 1e9);
        List<Point> points = new ArrayList<>();
        List<JsonLine> loads = new ArrayList<>();
        List<JsonLine> builds = new ArrayList<>();
        c.out.printf(Locale.ROOT, "%-14s %-10s %-22s %8s %9s %9s %9s %9s  %s%n", "target", "phase", "filter", "matches",
                "recall@" + c.k, "p50 us", "p99 us", "p50/unf", "plans");
        for (Target t : targets) {
            if (!(t instanceof FilterTarget ft)) {
                throw new IllegalArgumentException("--target " + t.name() + " cannot filter (embedded, node= and"
                        + " coordinator= can)");
            }
            ft.withMetadata(FilterWorkload::metadata);
            loads.add(c.load(t, base.count()).json());
            Point unfiltered = measure(c, t, ft, "unfiltered", null, 0, unfilteredTruth, nq, warmup);
            points.add(print(c, unfiltered, unfiltered));
            if (baseline) {
                for (BenchFilter f : filters) {
                    points.add(print(c, measure(c, t, ft, "no-index", f, matching.get(f).length, truth.get(f), nq,
                            warmup), unfiltered));
                }
            }
            for (MetadataIndexSpec spec : List.of(SEL, CAT)) {
                builds.add(build(c, t, ft, spec));
            }
            for (BenchFilter f : filters) {
                points.add(print(c, measure(c, t, ft, "indexed", f, matching.get(f).length, truth.get(f), nq, warmup),
                        unfiltered));
            }
        }
        return outcome(c, points, loads, builds, nq);
    }

    /** Adds one index to the loaded collection and waits until every sealed segment has it. */
    private static JsonLine build(LoadContext c, Target t, FilterTarget ft, MetadataIndexSpec spec) {
        long started = System.nanoTime();
        ft.addMetadataIndex(spec);
        MetadataIndexStats stats = null;
        String node = c.options.string("filter-node", null);
        while (true) {
            List<MetadataIndexStats> all = node != null && t instanceof GrpcTarget g
                    ? nodeStats(node, g.collection()) : ft.metadataIndexStats();
            for (MetadataIndexStats s : all) {
                if (s.spec().equals(spec)) {
                    stats = s;
                }
            }
            if (stats == null || stats.isComplete()) {
                break;
            }
            if (System.nanoTime() - started > 1_800_000_000_000L) {
                throw new IllegalStateException(t.name() + ": metadata index " + spec + " is not built after 30 min: "
                        + stats);
            }
            sleep();
            stats = null;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        JsonLine json = new JsonLine().put("target", t.name()).put("index", spec.toString());
        if (stats == null) {
            c.out.printf(Locale.ROOT, "%s: added %s (its build is not visible through this target)%n", t.name(), spec);
            return json.put("build_s", "n/a").put("bytes", "n/a");
        }
        c.out.printf(Locale.ROOT, "%s: built %s over %d segments in %.2f s, %.1f MiB (%.1f bytes/row)%n", t.name(),
                spec,
                stats.segments(), seconds, stats.bytes() / 1048576.0, stats.bytes() / (double) c.base().count());
        return json.put("build_s", seconds).put("bytes", stats.bytes()).put("segments", stats.segments())
                .put("bytes_per_row", stats.bytes() / (double) c.base().count());
    }

    /**
     * The metadata index stats of a storage node's shards of {@code collection} (plaintext gRPC):
     * through a coordinator, whose describe does not sum them, the build is watched on the node.
     */
    private static List<MetadataIndexStats> nodeStats(String node, String collection) {
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(node).usePlaintext().build();
        try {
            List<MetadataIndexStats> out = new ArrayList<>();
            for (org.vxdb.api.v1.MetadataIndexStats m : org.vxdb.api.v1.CollectionServiceGrpc.newBlockingStub(channel)
                    .describeCollection(org.vxdb.api.v1.DescribeCollectionRequest.newBuilder().setName(collection)
                            .build()).getCollection().getStats().getMetadataIndexesList()) {
                out.add(new MetadataIndexStats(new MetadataIndexSpec(m.getIndex().getField(),
                        m.getIndex().getKind() == org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_ORDERED
                                ? org.vxdb.storage.metaindex.MetadataIndexKind.ORDERED
                                : org.vxdb.storage.metaindex.MetadataIndexKind.INVERTED), m.getBytes(),
                        m.getSegmentsIndexed(), m.getSegments()));
            }
            return out;
        } finally {
            channel.shutdownNow();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a metadata index build", e);
        }
    }

    /** Warms up, then runs the first {@code nq} queries once each, timing every search. */
    private static Point measure(LoadContext c, Target t, FilterTarget ft, String phase, BenchFilter f, long matches,
                                 long[][] truth, int nq, int warmup) {
        long[] ids = new long[c.k];
        float[] distances = new float[c.k];
        for (int i = 0; i < warmup; i++) {
            search(c, t, ft, f, c.queries[i % nq], ids, distances);
        }
        Histogram latency = Latencies.newHistogram();
        Map<String, Integer> plans = new LinkedHashMap<>();
        double recall = 0;
        for (int q = 0; q < nq; q++) {
            long started = System.nanoTime();
            String plan = search(c, t, ft, f, c.queries[q], ids, distances);
            latency.recordValue(System.nanoTime() - started);
            plans.merge(planKind(plan), 1, Integer::sum);
            recall += recall(ids, truth[q]);
        }
        return new Point(t.name(), phase, f == null ? "none" : f.label(), f == null ? 100 : f.percent(),
                f == null ? c.base().count() : matches, recall / nq, latency, plans.toString());
    }

    private static String search(LoadContext c, Target t, FilterTarget ft, BenchFilter f, float[] q, long[] ids,
                                 float[] distances) {
        if (f == null) {
            t.search(q, c.k, 0, ids, distances);
            return "none";
        }
        return ft.search(q, c.k, f, ids, distances);
    }

    /** A plan without its figures: {@code filter:index-wide est=2000 nprobe=420} becomes {@code filter:index-wide}. */
    static String planKind(String plan) {
        StringBuilder kinds = new StringBuilder();
        for (String part : plan.split(",")) {
            int space = part.indexOf(' ');
            String kind = space < 0 ? part : part.substring(0, space);
            if (kinds.indexOf(kind) < 0) {
                kinds.append(kinds.isEmpty() ? "" : "+").append(kind);
            }
        }
        return kinds.toString();
    }

    /** Share of the exact answer's ids found; an exact answer shorter than k counts only its own ids. */
    private static double recall(long[] found, long[] exact) {
        if (exact.length == 0) {
            return 1.0;
        }
        int hits = 0;
        for (long e : exact) {
            for (long f : found) {
                if (f == e) {
                    hits++;
                    break;
                }
            }
        }
        return hits / (double) exact.length;
    }

    /** Exact top-k ids of the first {@code nq} queries over {@code rows} (all rows when null), in parallel. */
    static long[][] exact(VectorSet base, float[][] queries, int nq, int[] rows, int k, Metric metric) {
        long[][] out = new long[nq][];
        IntStream.range(0, nq).parallel().forEach(q -> out[q] = exactOne(base, queries[q], rows, k, metric));
        return out;
    }

    private static long[] exactOne(VectorSet base, float[] q, int[] rows, int k, Metric metric) {
        int n = rows == null ? base.count() : rows.length;
        int keep = Math.min(k, n);
        double[] best = new double[keep];
        long[] bestIds = new long[keep];
        int size = 0;
        float[] unit = metric == Metric.COSINE ? normalized(q) : q;
        for (int i = 0; i < n; i++) {
            int row = rows == null ? i : rows[i];
            double d = distance(base, row, unit, metric);
            if (size < keep) {
                insert(best, bestIds, size++, d, row);
            } else if (d < best[keep - 1] || (d == best[keep - 1] && row < bestIds[keep - 1])) {
                insert(best, bestIds, keep - 1, d, row);
            }
        }
        return bestIds;
    }

    /** Puts (d, row) at position {@code at} or before, keeping the arrays sorted by distance then row. */
    private static void insert(double[] best, long[] ids, int at, double d, long row) {
        int i = at;
        while (i > 0 && (best[i - 1] > d || (best[i - 1] == d && ids[i - 1] > row))) {
            best[i] = best[i - 1];
            ids[i] = ids[i - 1];
            i--;
        }
        best[i] = d;
        ids[i] = row;
    }

    private static double distance(VectorSet base, int row, float[] q, Metric metric) {
        long off = (long) row * q.length;
        double dot = 0;
        double l2 = 0;
        double norm = 0;
        for (int j = 0; j < q.length; j++) {
            float x = base.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off + j);
            double diff = q[j] - x;
            l2 += diff * diff;
            dot += q[j] * x;
            norm += x * x;
        }
        return switch (metric) {
            case L2 -> l2;
            case INNER_PRODUCT -> -dot;
            case COSINE -> 1 - dot / Math.sqrt(Math.max(norm, Double.MIN_NORMAL));
        };
    }

    private static float[] normalized(float[] q) {
        double norm = 0;
        for (float x : q) {
            norm += x * x;
        }
        float[] out = new float[q.length];
        for (int j = 0; j < q.length; j++) {
            out[j] = (float) (q[j] / Math.sqrt(Math.max(norm, Double.MIN_NORMAL)));
        }
        return out;
    }

    private static Point print(LoadContext c, Point p, Point unfiltered) {
        double p50 = p.latency().getValueAtPercentile(50) / 1e3;
        double unf = unfiltered.latency().getValueAtPercentile(50) / 1e3;
        c.out.printf(Locale.ROOT, "%-14s %-10s %-22s %8d %9.4f %9.0f %9.0f %9.2f  %s%n", p.target(), p.phase(),
                p.filter(), p.matches(), p.recall(), p50, p.latency().getValueAtPercentile(99) / 1e3, p50 / unf,
                p.plans());
        return p;
    }

    private static Outcome outcome(LoadContext c, List<Point> points, List<JsonLine> loads, List<JsonLine> builds,
                                   int nq) {
        List<List<String>> rows = new ArrayList<>();
        Map<String, Histogram> series = Outcome.series();
        Map<String, Double> unfilteredP50 = new HashMap<>();
        for (Point p : points) {
            if (p.phase().equals("unfiltered")) {
                unfilteredP50.put(p.target(), p.latency().getValueAtPercentile(50) / 1e3);
            }
        }
        List<JsonLine> json = new ArrayList<>();
        for (Point p : points) {
            double p50 = p.latency().getValueAtPercentile(50) / 1e3;
            rows.add(List.of(p.target(), p.phase(), p.filter(), Long.toString(p.matches()),
                    String.format(Locale.ROOT, "%.4f", p.recall()), String.format(Locale.ROOT, "%.0f", p50),
                    String.format(Locale.ROOT, "%.0f", p.latency().getValueAtPercentile(99) / 1e3),
                    String.format(Locale.ROOT, "%.2f", p50 / unfilteredP50.get(p.target())), p.plans()));
            series.put(p.target() + " " + p.phase() + " " + p.filter(), p.latency());
            json.add(p.json().put("p50_vs_unfiltered", p50 / unfilteredP50.get(p.target())));
        }
        List<List<String>> buildRows = new ArrayList<>();
        for (JsonLine b : builds) {
            buildRows.add(List.of(String.valueOf(b.get("target")), String.valueOf(b.get("index")),
                    String.valueOf(b.get("build_s")), String.valueOf(b.get("bytes"))));
        }
        JsonLine line = new JsonLine().put("workload", "filter").put("dataset", c.dataset.name())
                .put("n", c.base().count()).put("dim", c.base().dimension()).put("k", c.k).put("queries", nq)
                .put("index", c.index).put("loads", loads).put("metadata_index_builds", builds).put("points", json);
        return new Outcome(line, List.of(
                new Outcome.Table("Filtered against unfiltered search (latency in us, recall against the exact"
                        + " filtered answer)", List.of("target", "phase", "filter", "matches", "recall@" + c.k, "p50",
                        "p99", "p50 / unfiltered", "plans"), rows),
                new Outcome.Table("Metadata index builds (added to the loaded collection)", List.of("target", "index",
                        "build s", "heap bytes"), buildRows)), series);
    }
}
