package org.vxdb.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.vxdb.bench.storage.JsonLine;

/**
 * {@code mixed}: ingest and search together. Per target, the first {@code --preload} fraction of
 * the base is loaded and indexed; then, for {@code --duration} seconds, two open loops run at once:
 * batches of {@code --batch} of the remaining rows at {@code --ingest-rate} vectors per second, and
 * searches at {@code --search-rate} per second. Both latencies are measured from scheduled send
 * times. Ingest stops early when the remaining rows run out. Before the two loops start, {@code
 * --warmup} searches (default 500) run one after another and are not measured, so the searches'
 * code is compiled before the first measured call (the write path still starts cold).
 */
final class MixedWorkload {

    static final Set<String> OPTIONS = Set.of("duration", "ingest-rate", "search-rate", "batch", "preload", "workers",
            "nprobe", "warmup");

    private MixedWorkload() {
    }

    static Outcome run(LoadContext c, List<Target> targets) {
        long durationNanos = (long) (c.options.decimal("duration", 10) * 1e9);
        double ingestRate = c.options.decimal("ingest-rate", 10_000);
        double searchRate = c.options.decimal("search-rate", 100);
        int batch = c.options.integer("batch", 100, 1);
        int workers = c.options.integer("workers", 32, 1);
        int nprobe = c.options.integer("nprobe", 0, 0);
        int warmup = c.options.integer("warmup", 500, 0);
        double preloadFraction = c.options.decimal("preload", 0.5);
        if (!(preloadFraction > 0 && preloadFraction < 1)) {
            throw new IllegalArgumentException("mixed: --preload must be a fraction between 0 and 1 (exclusive), got "
                    + preloadFraction);
        }
        if (durationNanos <= 0) {
            throw new IllegalArgumentException("mixed: --duration must be a positive number of seconds");
        }
        int n = c.base().count();
        int preload = (int) (n * preloadFraction);
        long batches = (n - preload + batch - 1L) / batch;
        List<JsonLine> perTarget = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        var series = Outcome.series();
        for (Target t : targets) {
            JsonLine load = c.load(t, preload).json();
            LoadLoop loops = new LoadLoop(Ticker.SYSTEM);
            if (warmup > 0) {
                SearchWorkload.check(t, loops.closed(1, warmup, 0, SearchWorkload.searchOp(c, t, nprobe)));
            }
            CompletableFuture<LoadLoop.Result> ingest = CompletableFuture.supplyAsync(() -> loops.open(
                    ingestRate / batch, workers, batches, durationNanos, i -> {
                        int from = (int) (preload + i * batch);
                        t.write(c.base(), from, Math.min(n, from + batch), 0);
                    }));
            LoadLoop.Result search = SearchWorkload.check(t, loops.open(searchRate, workers, 0, durationNanos,
                    SearchWorkload.searchOp(c, t, nprobe)));
            LoadLoop.Result written = SearchWorkload.check(t, ingest.join());
            long vectors = Math.min((long) written.completed() * batch, n - preload);
            SearchWorkload.print(c, t.name(), "mixed search", search);
            SearchWorkload.print(c, t.name(), "mixed ingest (batches)", written);
            rows.add(SearchWorkload.row(t.name(), "search", search));
            rows.add(SearchWorkload.row(t.name(), "ingest batches of " + batch, written));
            series.put(t.name() + " search", search.latency());
            series.put(t.name() + " ingest batch", written.latency());
            perTarget.add(new JsonLine().put("target", t.name()).put("preload", load)
                    .put("search", search.json("us"))
                    .put("ingest", written.json("ms").put("vectors", vectors)
                            .put("vectors_per_s", vectors / (written.elapsedNanos() / 1e9))));
        }
        JsonLine json = new JsonLine().put("workload", "mixed").put("dataset", c.dataset.name()).put("n", n)
                .put("dim", c.base().dimension()).put("k", c.k).put("index", c.index)
                .put("ingest_rate", ingestRate).put("search_rate", searchRate).put("batch", batch)
                .put("search_warmup", warmup)
                .put("duration_s", durationNanos / 1e9).put("targets", perTarget);
        return new Outcome(json, List.of(new Outcome.Table("mixed: ingest " + (long) ingestRate + " vectors/s with "
                + (long) searchRate + " searches/s (latency us)", List.of("target", "loop", "achieved/s", "p50", "p99",
                "p99.9", "max", "late starts", "failed"), rows)), series);
    }
}
