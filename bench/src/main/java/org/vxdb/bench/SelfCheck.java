package org.vxdb.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.vxdb.index.ApproximateFallback;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;

/**
 * {@code ./vxdb selfcheck}: builds indexes over a dataset with the chosen
 * provider and prints, per index and search setting, recall@10 against the shipped ground truth
 * and single-query latency percentiles.
 */
public final class SelfCheck {

    private static final int K = 10;

    private SelfCheck() {
    }

    /** One measured configuration. */
    record Row(String index, String params, double recall, Histogram latencyNanos) {
    }

    public static void main(String[] args) {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/sift-5k");
        try {
            run(data, VectorIndexProviders.get(), System.out);
        } catch (IOException e) {
            System.err.println("vxdb selfcheck: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Measures every configuration on {@code data} with {@code provider}, prints the table, returns the rows. */
    static List<Row> run(Path data, VectorIndexProvider provider, PrintStream out) throws IOException {
        try (Arena arena = Arena.ofShared()) {
            Dataset ds = Dataset.load(data, arena);
            out.printf(Locale.ROOT, "VxDB index self-check on %s: %d base vectors, %d queries, %d-d, L2%n",
                    data, ds.base().count(), ds.queries().count(), ds.base().dimension());
            out.printf(Locale.ROOT, "provider: %s (%s)%n", provider.name(), provider.reason());
            List<Row> rows = new ArrayList<>();
            int dim = ds.base().dimension();
            rows.addAll(measure(provider, IndexSpec.flat(dim, Metric.L2), ds, List.of(SearchParams.DEFAULT), arena));
            if (provider.name().equals("faiss")) {
                // The pure-Java exact scan, for comparison with FAISS's flat index on the same data.
                VectorIndexProvider java = VectorIndexProviders.choose("java", ApproximateFallback.FAIL);
                for (Row r : measure(java, IndexSpec.flat(dim, Metric.L2), ds, List.of(SearchParams.DEFAULT), arena)) {
                    rows.add(new Row("Flat[java]", r.params(), r.recall(), r.latencyNanos()));
                }
                int nlist = Math.max(1, Math.min(64, ds.base().count() / 39));
                rows.addAll(measure(provider, IndexSpec.parse("IVF" + nlist + ",Flat", dim, Metric.L2), ds,
                        List.of(SearchParams.nprobe(1), SearchParams.nprobe(4), SearchParams.nprobe(16),
                                SearchParams.nprobe(nlist)), arena));
                rows.addAll(measure(provider, IndexSpec.parse("HNSW32,Flat", dim, Metric.L2), ds,
                        List.of(SearchParams.efSearch(16), SearchParams.efSearch(64), SearchParams.efSearch(256)),
                        arena));
            } else {
                out.println("(IVF and HNSW need the FAISS provider; only exact search is checked)");
            }
            out.printf(Locale.ROOT, "%-14s %-12s %10s %10s %10s %10s%n", "index", "params", "recall@10", "p50 us",
                    "p99 us", "max us");
            for (Row r : rows) {
                out.printf(Locale.ROOT, "%-14s %-12s %10.4f %10.1f %10.1f %10.1f%n", r.index(), r.params(), r.recall(),
                        r.latencyNanos().getValueAtPercentile(50) / 1e3, r.latencyNanos().getValueAtPercentile(99) / 1e3,
                        r.latencyNanos().getMaxValue() / 1e3);
            }
            return rows;
        }
    }

    private static List<Row> measure(VectorIndexProvider provider, IndexSpec spec, Dataset ds,
                                     List<SearchParams> settings, Arena arena) {
        List<Row> rows = new ArrayList<>();
        int n = ds.base().count();
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, n);
        for (int i = 0; i < n; i++) {
            ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        }
        try (VectorIndex index = provider.create(spec)) {
            index.train(ds.base().data());
            index.add(ids, ds.base().data());
            MemorySegment outIds = arena.allocate(ValueLayout.JAVA_LONG, K);
            MemorySegment outDist = arena.allocate(ValueLayout.JAVA_FLOAT, K);
            for (SearchParams p : settings) {
                for (int warm = 0; warm < 3; warm++) {
                    runAll(index, ds, p, outIds, outDist, null); // warm-up: JIT and caches
                }
                Histogram h = new Histogram(3_600_000_000_000L, 3);
                double recall = runAll(index, ds, p, outIds, outDist, h);
                rows.add(new Row(spec.description(), label(p), recall, h));
            }
        }
        return rows;
    }

    private static double runAll(VectorIndex index, Dataset ds, SearchParams p, MemorySegment outIds,
                                 MemorySegment outDist, Histogram latency) {
        int nq = ds.queries().count();
        long hits = 0;
        for (int q = 0; q < nq; q++) {
            MemorySegment query = ds.queries().rows(q, q + 1);
            long t0 = System.nanoTime();
            index.search(query, K, p, outIds, outDist);
            long t1 = System.nanoTime();
            if (latency != null) {
                latency.recordValue(t1 - t0);
            }
            long[] found = outIds.toArray(ValueLayout.JAVA_LONG);
            float[] dist = outDist.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < dist.length; i++) {
                dist[i] = (float) Math.sqrt(dist[i]); // squared L2 -> L2, the ground truth's unit
            }
            float[] truthDist = ds.groundTruthDistances() == null ? null : ds.groundTruthDistances()[q];
            hits += Recall.hits(found, dist, ds.groundTruth()[q], truthDist, K, 1e-5);
        }
        return hits / (double) (nq * K);
    }

    private static String label(SearchParams p) {
        if (p.nprobe() > 0) {
            return "nprobe=" + p.nprobe();
        }
        if (p.efSearch() > 0) {
            return "efSearch=" + p.efSearch();
        }
        return "exact";
    }
}
