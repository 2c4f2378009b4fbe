package org.vxdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.vecs.Dataset;

/**
 * {@code ingest}: vectors per second into a fresh one-shard collection with a given fsync policy
 * and batch size, and the latency of each batch. One writer sends batches back to back. The
 * shard's index builds run in the background meanwhile, as they would in service; the time until
 * the index covers every row is reported separately. The data directory is deleted afterwards.
 */
final class IngestBench {

    static final Set<String> OPTIONS = union(DatasetSource.OPTIONS,
            Set.of("policy", "batch", "window-ms", "index", "work"));

    private IngestBench() {
    }

    static JsonLine run(BenchOptions o, PrintStream out) throws IOException {
        FsyncPolicy policy = o.choice("policy", FsyncPolicy.class, FsyncPolicy.BATCH);
        int batch = o.integer("batch", 1000, 1);
        Duration window = Duration.ofMillis(o.integer("window-ms", 2, policy == FsyncPolicy.BATCH ? 1 : 0));
        String index = o.string("index", BenchCollection.DEFAULT_INDEX);
        Path work = o.path("work", Path.of(System.getProperty("java.io.tmpdir")));
        String loadStart = BenchCollection.loadAverage();
        try (Arena arena = Arena.ofShared()) {
            Dataset ds = DatasetSource.load(o, arena, out);
            int n = ds.base().count();
            int dim = ds.base().dimension();
            CollectionConfig config = BenchCollection.config(dim, index, policy, window);
            List<List<ShardWrite>> batches = BenchCollection.batches(ds.base(), n, batch);
            Path dataDir = Files.createTempDirectory(Files.createDirectories(work), "vxdb-ingest-");
            out.printf(Locale.ROOT, "ingest: %d x %d into %s, fsync %s (window %d ms), batch %d, index %s%n", n, dim,
                    dataDir, policy, window.toMillis(), batch, index);
            try {
                return measure(out, config, batches, n, dataDir, loadStart)
                        .put("policy", policy.name().toLowerCase(Locale.ROOT)).put("batch", batch)
                        .put("window_ms", window.toMillis()).put("index", index).put("dataset", ds.name());
            } finally {
                ClusteredData.deleteTree(dataDir);
            }
        }
    }

    private static JsonLine measure(PrintStream out, CollectionConfig config, List<List<ShardWrite>> batches, int n,
                                    Path dataDir, String loadStart) throws IOException {
        try (StorageEngine engine = BenchCollection.openEngine(dataDir)) {
            Collection c = engine.createCollection(config);
            Shard shard = c.shard(0);
            BenchCollection.Ingested run = BenchCollection.ingest(c, batches);
            double perSecond = n / (run.nanos() / 1e9);
            String indexAtAck = shard.indexDescription() + " over " + shard.indexedRows() + " rows";
            long t0 = System.nanoTime();
            c.flush();
            long flushNanos = System.nanoTime() - t0;
            long expected = BenchCollection.expectedIndexedRows(config, n);
            int calls = BenchCollection.awaitIndexed(shard, expected, out);
            long indexWaitNanos = System.nanoTime() - t0;
            long diskBytes = BenchCollection.directoryBytes(BenchCollection.shardDir(dataDir));
            Histogram all = run.all();
            double sealSeconds = run.sealing().getTotalCount() * run.sealing().getMean() / 1e9;
            out.printf(Locale.ROOT, "  %d vectors in %.2f s: %.0f vectors/s (load average %s)%n", n, run.nanos() / 1e9,
                    perSecond, BenchCollection.loadAverage());
            out.printf(Locale.ROOT, "  batch latency ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%d batches)%n",
                    lat(all, 50), lat(all, 99), lat(all, 99.9), all.getMaxValue() / 1e6, all.getTotalCount());
            out.printf(Locale.ROOT, "  %d batches sealed a segment: %.2f s in all (%.0f%% of the ingest), mean %.0f ms; "
                    + "the other batches: p50 %.3f  p99 %.3f  max %.3f ms%n", run.sealing().getTotalCount(), sealSeconds,
                    100 * sealSeconds / (run.nanos() / 1e9), run.sealing().getMean() / 1e6, lat(run.other(), 50),
                    lat(run.other(), 99), run.other().getMaxValue() / 1e6);
            out.printf(Locale.ROOT, "  at the last ack the index was %s; flush %.0f ms; index covered all %d rows "
                    + "%.1f s after the last ack (%s, %d awaitIndexing calls)%n", indexAtAck, flushNanos / 1e6,
                    expected, indexWaitNanos / 1e9, shard.indexDescription(), calls);
            out.printf(Locale.ROOT, "  shard directory %.1f MB%n", diskBytes / 1e6);
            return new JsonLine().put("bench", "ingest").put("n", n).put("dim", config.dimension())
                    .put("vectors_per_s", perSecond).put("elapsed_s", run.nanos() / 1e9)
                    .put("batch_latency", Latencies.summary(all, "ms"))
                    .put("sealing_batches", Latencies.summary(run.sealing(), "ms")).put("seal_s", sealSeconds)
                    .put("other_batches", Latencies.summary(run.other(), "ms"))
                    .put("index_at_last_ack", indexAtAck)
                    .put("flush_ms", flushNanos / 1e6).put("index_wait_s", indexWaitNanos / 1e9)
                    .put("await_indexing_calls", calls).put("index_desc", shard.indexDescription())
                    .put("indexed_rows", shard.indexedRows()).put("shard_dir_bytes", diskBytes)
                    .put("loadavg_start", loadStart).put("loadavg_end", BenchCollection.loadAverage());
        }
    }

    private static double lat(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }
}
