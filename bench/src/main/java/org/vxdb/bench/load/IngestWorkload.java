package org.vxdb.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.bench.storage.Latencies;

/**
 * {@code ingest}: writes {@code --rows} rows of the base (all by default) into a new collection of
 * each target in batches of {@code --batch} from {@code --concurrency} writers (closed loop: a
 * writer sends its next batch when the last one is acknowledged as durable). Reports vectors per
 * second over the whole run and batch latency percentiles. A direct IVF index is trained before
 * the clock starts; the others train in the background as they would in service. Then (unless
 * {@code --await-indexed false}) it waits until the target reports every row indexed and gives the
 * time until then from the load's start and from its end: what a bulk load costs before searches
 * run on the index.
 */
final class IngestWorkload {

    static final Set<String> OPTIONS = Set.of("batch", "concurrency", "rows", "await-indexed");

    private IngestWorkload() {
    }

    static Outcome run(LoadContext c, List<Target> targets) {
        int batch = c.options.integer("batch", 100, 1);
        int concurrency = c.options.integer("concurrency", 2, 1);
        int rows = Math.min(c.options.integer("rows", c.base().count(), 1), c.base().count());
        long batches = (rows + batch - 1L) / batch;
        boolean awaitIndexed = c.options.bool("await-indexed", true);
        List<JsonLine> perTarget = new ArrayList<>();
        List<List<String>> table = new ArrayList<>();
        var series = Outcome.series();
        for (Target t : targets) {
            t.create(c.base().dimension(), c.metric, c.index, rows, c.base());
            LoadLoop.Result r;
            long started = System.nanoTime();
            try (Progress bar = Progress.start("ingest " + t.name(), rows, c.progress)) {
                r = SearchWorkload.check(t, new LoadLoop(Ticker.SYSTEM).closed(concurrency, batches, 0, i -> {
                    int from = (int) (i * batch);
                    int to = Math.min(rows, from + batch);
                    t.write(c.base(), from, to, 0);
                    bar.advance(to - from);
                }));
            }
            long loaded = System.nanoTime();
            double vectorsPerSecond = rows / (r.elapsedNanos() / 1e9);
            c.out.printf(Locale.ROOT, "%s ingest: %d rows in batches of %d from %d writers: %.0f vectors/s, batch "
                    + "latency ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f%n", t.name(), rows, batch, concurrency,
                    vectorsPerSecond, ms(r, 50), ms(r, 99), ms(r, 99.9), r.latency().getMaxValue() / 1e6);
            JsonLine line = new JsonLine().put("target", t.name()).put("vectors_per_s", vectorsPerSecond)
                    .put("seconds", r.elapsedNanos() / 1e9).put("batches", r.completed())
                    .put("batch_latency", Latencies.summary(r.latency(), "ms"));
            String indexed = "";
            if (awaitIndexed) {
                String served = t.awaitIndexed();
                long done = System.nanoTime();
                double fromStart = (done - started) / 1e9;
                double fromEnd = (done - loaded) / 1e9;
                c.out.printf(Locale.ROOT, "%s indexed %.1f s after the load started, %.1f s after it ended: %s%n",
                        t.name(), fromStart, fromEnd, served);
                line.put("indexed_s_from_load_start", fromStart).put("indexed_s_from_load_end", fromEnd)
                        .put("indexed", served);
                indexed = RecallWorkload.fmt("%.1f", fromEnd);
            }
            perTarget.add(line);
            table.add(List.of(t.name(), RecallWorkload.fmt("%.0f", vectorsPerSecond), RecallWorkload.fmt("%.2f", ms(r, 50)),
                    RecallWorkload.fmt("%.2f", ms(r, 99)), RecallWorkload.fmt("%.2f", ms(r, 99.9)),
                    RecallWorkload.fmt("%.2f", r.latency().getMaxValue() / 1e6), indexed));
            series.put(t.name() + " batch of " + batch, r.latency());
        }
        JsonLine json = new JsonLine().put("workload", "ingest").put("dataset", c.dataset.name()).put("rows", rows)
                .put("dim", c.base().dimension()).put("index", c.index).put("batch", batch)
                .put("concurrency", concurrency).put("fsync", c.fsync().name().toLowerCase(Locale.ROOT))
                .put("targets", perTarget);
        return new Outcome(json, List.of(new Outcome.Table("ingest, batches of " + batch + ", " + concurrency
                + " writers", List.of("target", "vectors/s", "batch p50 ms", "p99 ms", "p99.9 ms", "max ms",
                "indexed s after the load"), table)),
                series);
    }

    private static double ms(LoadLoop.Result r, double percentile) {
        return r.latency().getValueAtPercentile(percentile) / 1e6;
    }
}
