package org.vxdb.bench.load;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.vxdb.bench.storage.BenchOptions;
import org.vxdb.bench.storage.DatasetSource;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.index.Metric;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.VectorSet;

/**
 * What every workload shares: the parsed options, the dataset, where to print, and the steps
 * that prepare a target (create the collection, load rows, wait for the index).
 */
final class LoadContext {

    /** Options every workload takes. */
    static final Set<String> COMMON_OPTIONS = union(DatasetSource.OPTIONS, Set.of("target", "metric", "index", "k",
            "work", "shards", "fsync", "json", "md", "plot", "progress", "load-batch", "load-clients", "consistency",
            "channels", "buffer-age-ms", "collection", "keep", "grpc", "rest-encoding", "tls-ca", "tls-cert",
            "tls-key", "grpc-tls", "api-key", "api-key-file", "recall-target"));

    final BenchOptions options;
    final Dataset dataset;
    /** The queries as heap rows, copied once. */
    final float[][] queries;
    final PrintStream out;
    final Metric metric;
    /** Recall@k searches without an explicit nprobe ask for ({@code --recall-target}, 0: none). */
    final double recallTarget;
    final String index;
    final int k;
    final boolean progress;
    private final int loadBatch;
    private final int loadClients;

    LoadContext(BenchOptions options, Dataset dataset, PrintStream out) {
        this.options = options;
        this.dataset = dataset;
        this.queries = new float[dataset.queries().count()][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = dataset.queries().row(q);
        }
        this.out = out;
        this.metric = Metric.parse(options.string("metric", "l2"));
        this.index = options.string("index", "IVF,Flat");
        this.k = options.integer("k", 10, 1);
        this.progress = options.string("progress", Progress.terminal() ? "on" : "off").equals("on");
        this.loadBatch = options.integer("load-batch", 1000, 1);
        this.loadClients = options.integer("load-clients", 2, 1);
        GroundTruthCheck.verify(dataset, metric);
        this.recallTarget = options.decimal("recall-target", 0);
        if (!(recallTarget >= 0 && recallTarget <= 1)) {
            throw new IllegalArgumentException("--recall-target " + recallTarget + " is invalid: use a recall in (0, 1]"
                    + " (0: none)");
        }
        if (dataset.groundTruth()[0].length < k) {
            throw new IllegalArgumentException("the ground truth has " + dataset.groundTruth()[0].length
                    + " neighbours per query, fewer than k=" + k);
        }
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The targets named by {@code --target} (comma-separated), opened in that order; the first is the baseline. */
    List<Target> openTargets() {
        List<Target> targets = new ArrayList<>();
        try {
            for (String spec : options.string("target", "embedded").split(",")) {
                Target t = Targets.open(spec.trim(), this);
                t.recallTarget(recallTarget);
                targets.add(t);
            }
        } catch (RuntimeException e) {
            targets.forEach(Target::close);
            throw e;
        }
        return targets;
    }

    Path work() {
        return options.path("work", Path.of(System.getProperty("java.io.tmpdir")));
    }

    int shards() {
        return options.integer("shards", 0, 0);
    }

    FsyncPolicy fsync() {
        return options.choice("fsync", FsyncPolicy.class, FsyncPolicy.BATCH);
    }

    VectorSet base() {
        return dataset.base();
    }

    /**
     * Creates the target's collection and writes rows {@code [0, rows)} of the base (ids = rows)
     * from {@code --load-clients} threads in batches of {@code --load-batch}, then waits for the
     * index. Returns the load's figures.
     */
    Loaded load(Target target, int rows) {
        target.create(base().dimension(), metric, index, rows, base());
        long batches = (rows + loadBatch - 1L) / loadBatch;
        LoadLoop.Result r;
        try (Progress bar = Progress.start("loading " + target.name(), rows, progress)) {
            r = new LoadLoop(Ticker.SYSTEM).closed(loadClients, batches, 0, i -> {
                int from = (int) (i * loadBatch);
                int to = Math.min(rows, from + loadBatch);
                target.write(base(), from, to, 0);
                bar.advance(to - from);
            });
        }
        if (r.failed() > 0) {
            throw new IllegalStateException(target.name() + ": " + r.failed() + " of " + batches
                    + " load batches failed, first: " + r.firstError());
        }
        long t0 = System.nanoTime();
        String served = target.awaitIndexed();
        double indexSeconds = (System.nanoTime() - t0) / 1e9;
        Loaded loaded = new Loaded(target.name(), rows, r.elapsedNanos() / 1e9, indexSeconds, served);
        out.printf(Locale.ROOT, "%s: loaded %d rows in %.1f s (%.0f vectors/s), index ready %.1f s later: %s%n",
                target.name(), rows, loaded.loadSeconds(), rows / loaded.loadSeconds(), indexSeconds, served);
        return loaded;
    }

    /** Figures of one target's load. */
    record Loaded(String target, int rows, double loadSeconds, double indexSeconds, String index) {
        JsonLine json() {
            return new JsonLine().put("target", target).put("rows", rows)
                    .put("load_s", loadSeconds).put("load_vectors_per_s", rows / loadSeconds)
                    .put("index_wait_s", indexSeconds).put("index", index);
        }
    }
}
