package org.vxdb.bench.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.SearchOutcome;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;
import org.vxdb.vecs.Vecs;
import org.vxdb.vecs.VectorSet;

/**
 * {@code restart}: how long a node takes from {@link StorageEngine#open} to its first successful
 * search over N indexed vectors, whether it retrains, and what memory it holds while serving.
 *
 * <p>This process ingests N (fsync none), flushes, waits for the index, closes the engine and
 * records the index file. Each restart then runs in a fresh child JVM ({@code restart-serve}), so
 * its RSS holds nothing from the ingest and its time includes what a real restart pays (class
 * loading, loading the FAISS library, cold JIT). Restarts alternate warm (every file of the shard
 * in the page cache) and cold (the shard's files evicted with {@code posix_fadvise}; nothing else
 * on the machine is touched). Afterwards the index file must be unchanged: same manifest entry,
 * size, mtime and CRC32C.
 */
final class RestartBench {

    static final Set<String> OPTIONS = IngestBench.union(DatasetSource.OPTIONS,
            Set.of("index", "work", "load-batch", "repeat", "serve", "k"));
    static final Set<String> SERVE_OPTIONS = Set.of("dir", "dataset", "n", "serve", "k", "out");
    static final double GOAL_SECONDS = 5.0;
    static final double HEAP_GOAL_MB = 512;

    private RestartBench() {
    }

    static JsonLine run(BenchOptions o, PrintStream out) throws IOException, InterruptedException {
        int loadBatch = o.integer("load-batch", 10_000, 1);
        int repeat = o.integer("repeat", 2, 1);
        int serve = o.integer("serve", 1000, 1);
        int k = o.integer("k", 10, 1);
        String index = o.string("index", BenchCollection.DEFAULT_INDEX);
        Path work = o.path("work", Path.of(System.getProperty("java.io.tmpdir")));
        String loadStart = BenchCollection.loadAverage();
        Path datasetDir = DatasetSource.resolve(o, out);
        Path dataDir = Files.createTempDirectory(Files.createDirectories(work), "vxdb-restart-");
        try {
            int n;
            int dim;
            JsonLine prepared;
            try (Arena arena = Arena.ofShared()) {
                Dataset ds = DatasetSource.load(datasetDir, arena, out);
                n = ds.base().count();
                dim = ds.base().dimension();
                prepared = prepare(ds, index, loadBatch, dataDir, out);
            }
            Path shardDir = BenchCollection.shardDir(dataDir);
            IndexFileState before = IndexFileState.of(shardDir);
            out.printf(Locale.ROOT, "  index on disk: %s%n", before);
            List<JsonLine> restarts = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                for (String mode : List.of("warm", "cold")) {
                    restarts.add(restart(mode, dataDir, datasetDir, n, serve, k, out));
                }
            }
            IndexFileState after = IndexFileState.of(shardDir);
            boolean unchanged = before.equals(after);
            out.printf(Locale.ROOT, "  index on disk after %d restarts: %s%n", restarts.size(),
                    unchanged ? "unchanged" : "CHANGED: " + after);
            return new JsonLine().put("bench", "restart").put("dataset", datasetDir.getFileName().toString())
                    .put("n", n).put("dim", dim).put("prepare", prepared).put("restarts", restarts)
                    .put("index_file_unchanged", unchanged).put("index_file", before.toString())
                    .put("goal_s", GOAL_SECONDS).put("heap_goal_mb", HEAP_GOAL_MB)
                    .put("loadavg_start", loadStart).put("loadavg_end", BenchCollection.loadAverage());
        } finally {
            ClusteredData.deleteTree(dataDir);
        }
    }

    /** Ingests, flushes, waits for the index to cover every row, closes. */
    private static JsonLine prepare(Dataset ds, String index, int loadBatch, Path dataDir, PrintStream out)
            throws IOException {
        int n = ds.base().count();
        CollectionConfig config = BenchCollection.config(ds.base().dimension(), index, FsyncPolicy.NONE,
                Duration.ofMillis(2));
        out.printf(Locale.ROOT, "restart: loading %d x %d into %s (fsync none, batch %d, index %s)%n", n,
                ds.base().dimension(), dataDir, loadBatch, index);
        long t0 = System.nanoTime();
        StorageEngine engine = BenchCollection.openEngine(dataDir);
        long indexed;
        String desc;
        long closeStarted;
        try {
            Collection c = engine.createCollection(config);
            BenchCollection.ingest(c, BenchCollection.batches(ds.base(), n, loadBatch));
            c.flush();
            Shard shard = c.shard(0);
            BenchCollection.awaitIndexed(shard, BenchCollection.expectedIndexedRows(config, n), out);
            indexed = shard.indexedRows();
            desc = shard.indexDescription();
        } finally {
            closeStarted = System.nanoTime();
            engine.close();
        }
        long closed = System.nanoTime();
        long bytes = BenchCollection.directoryBytes(BenchCollection.shardDir(dataDir));
        out.printf(Locale.ROOT, "  loaded, indexed (%s over %d rows) and closed in %.1f s (close %.0f ms); shard "
                + "directory %.1f MB%n", desc, indexed, (closed - t0) / 1e9, (closed - closeStarted) / 1e6, bytes / 1e6);
        return new JsonLine().put("index_desc", desc).put("indexed_rows", indexed)
                .put("load_index_close_s", (closed - t0) / 1e9).put("close_ms", (closed - closeStarted) / 1e6)
                .put("shard_dir_bytes", bytes);
    }

    /** One restart in a child JVM, after making the shard's files all resident (warm) or evicting them (cold). */
    private static JsonLine restart(String mode, Path dataDir, Path datasetDir, int n, int serve, int k,
                                    PrintStream out) throws IOException, InterruptedException {
        long residentBefore = PageCache.residentBytes(dataDir);
        if (mode.equals("cold")) {
            PageCache.evict(dataDir);
        } else {
            readAll(dataDir);
        }
        long resident = PageCache.residentBytes(dataDir);
        long total = BenchCollection.directoryBytes(dataDir);
        out.printf(Locale.ROOT, "  %s restart: %.0f of %.0f MB of the shard's files in the page cache (%.0f MB "
                + "before)%n", mode, resident / 1e6, total / 1e6, residentBefore / 1e6);
        Path result = Files.createTempFile("vxdb-restart-serve-", ".properties");
        try {
            List<String> command = childCommand(List.of("restart-serve", "--dir", dataDir.toString(), "--dataset",
                    datasetDir.toString(), "--n", Integer.toString(n), "--serve", Integer.toString(serve), "--k",
                    Integer.toString(k), "--out", result.toString()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.println("    | " + line);
                }
            }
            int rc = child.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("restart-serve child exited with " + rc);
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(result, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            JsonLine json = new JsonLine().put("mode", mode).put("resident_mb_at_start", resident / 1e6);
            for (String key : p.stringPropertyNames().stream().sorted().toList()) {
                json.put(key, number(p.getProperty(key)));
            }
            return json;
        } finally {
            Files.deleteIfExists(result);
        }
    }

    private static Object number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e2) {
                return s.equals("true") || s.equals("false") ? Boolean.valueOf(s) : s;
            }
        }
    }

    private static void readAll(Path dir) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (Path file : PageCache.files(dir)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (ch.read(buf) >= 0) {
                    buf.clear();
                }
            }
        }
    }

    /** This JVM's java binary, flags and class path, running {@link StorageBench} with {@code args}. */
    private static List<String> childCommand(List<String> args) {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String flag : runtime.getInputArguments()) {
            // A recording or agent of the parent is not the child's business.
            if (!flag.startsWith("-XX:StartFlightRecording") && !flag.startsWith("-agentlib")
                    && !flag.startsWith("-javaagent")) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StorageBench.class.getName());
        command.addAll(args);
        return command;
    }

    /**
     * {@code restart-serve} (the child): open the engine, first search, then serve the queries and
     * measure memory. Queries and ground truth are read before the clock starts; the base vectors
     * are never loaded, so RSS is the engine's.
     */
    static void serve(BenchOptions o, PrintStream out) throws IOException {
        Path dir = o.path("dir", null);
        Path datasetDir = o.path("dataset", null);
        if (dir == null || datasetDir == null || !o.has("out")) {
            throw new IllegalArgumentException("restart-serve needs --dir, --dataset and --out");
        }
        long n = o.longValue("n", -1);
        int serve = o.integer("serve", 1000, 1);
        int k = o.integer("k", 10, 1);
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        try (Arena arena = Arena.ofConfined()) {
            VectorSet queries = Vecs.readFvecs(datasetDir.resolve("query.fvecs"), arena);
            int[][] truth = Vecs.readIvecs(datasetDir.resolve("groundtruth.ivecs"));
            Path distFile = datasetDir.resolve("groundtruth_dist.fvecs");
            float[][] truthDist = Files.exists(distFile) ? Vecs.readFvecsRows(distFile) : null;
            float[][] q = new float[queries.count()][];
            for (int i = 0; i < q.length; i++) {
                q[i] = queries.row(i);
            }

            long t0 = System.nanoTime();
            long uptimeAtOpen = runtime.getUptime();
            try (StorageEngine engine = BenchCollection.openEngine(dir)) {
                Collection c = engine.require(BenchCollection.NAME);
                Shard shard = c.shard(0);
                long opened = System.nanoTime();
                long indexedAtOpen = shard.indexedRows();
                String desc = shard.indexDescription();
                SearchOutcome first = c.search(q[0], k, null);
                if (first.hits().isEmpty()) {
                    throw new IllegalStateException("the first search after open returned nothing");
                }
                long serving = System.nanoTime();
                long uptimeAtServing = runtime.getUptime();
                long expectedIndexed = BenchCollection.expectedIndexedRows(c.config(), shard.count());
                out.printf(Locale.ROOT, "open %.0f ms, first search %.1f ms (plan %s): serving %.0f ms after open "
                        + "was called (JVM uptime %d ms); index %s over %d rows at open%n", (opened - t0) / 1e6,
                        (serving - opened) / 1e6, first.plan(), (serving - t0) / 1e6, uptimeAtServing, desc,
                        indexedAtOpen);

                Histogram latency = Latencies.newHistogram();
                long hits = 0;
                int served = 0;
                long serveStarted = System.nanoTime();
                for (int i = 0; i < serve; i++) {
                    int qi = i % q.length;
                    long s0 = System.nanoTime();
                    SearchOutcome outcome = c.search(q[qi], k, null);
                    latency.recordValue(System.nanoTime() - s0);
                    hits += hitsOf(outcome, truth[qi], truthDist == null ? null : truthDist[qi], k);
                    served++;
                }
                double serveSeconds = (System.nanoTime() - serveStarted) / 1e9;
                ProcessMemory memory = ProcessMemory.afterGc();
                shard.awaitIndexing();
                long indexedLater = shard.indexedRows();
                double recall = hits / (double) ((long) served * k);
                out.printf(Locale.ROOT, "served %d queries (default nprobe) at %.0f qps, recall@%d %.4f; heap used "
                        + "%.0f MB (committed %.0f MB), RSS %.0f MB (anon %.0f, file %.0f), RSS - heap committed %.0f "
                        + "MB; index covers %d rows after awaitIndexing%n", served, served / serveSeconds, k, recall,
                        ProcessMemory.mb(memory.heapUsed()), ProcessMemory.mb(memory.heapCommitted()),
                        ProcessMemory.mb(memory.rss()), ProcessMemory.mb(memory.rssAnon()),
                        ProcessMemory.mb(memory.rssFile()), ProcessMemory.mb(memory.offHeapEstimate()), indexedLater);

                Properties p = new Properties();
                p.setProperty("open_ms", fmt((opened - t0) / 1e6));
                p.setProperty("first_search_ms", fmt((serving - opened) / 1e6));
                p.setProperty("restart_to_serving_ms", fmt((serving - t0) / 1e6));
                p.setProperty("jvm_uptime_at_open_ms", Long.toString(uptimeAtOpen));
                p.setProperty("jvm_uptime_at_serving_ms", Long.toString(uptimeAtServing));
                p.setProperty("first_search_plan", first.plan());
                p.setProperty("index_desc", desc);
                p.setProperty("live_rows", Long.toString(shard.count()));
                p.setProperty("indexed_rows_at_open", Long.toString(indexedAtOpen));
                p.setProperty("indexed_rows_after_await", Long.toString(indexedLater));
                p.setProperty("no_retraining", Boolean.toString(indexedAtOpen == expectedIndexed
                        && (n < 0 || shard.count() == n)));
                p.setProperty("serve_queries", Integer.toString(served));
                p.setProperty("serve_qps", fmt(served / serveSeconds));
                p.setProperty("serve_recall", fmt(recall));
                p.setProperty("serve_p50_us", fmt(latency.getValueAtPercentile(50) / 1e3));
                p.setProperty("serve_p99_us", fmt(latency.getValueAtPercentile(99) / 1e3));
                p.setProperty("heap_used_mb", fmt(ProcessMemory.mb(memory.heapUsed())));
                p.setProperty("heap_committed_mb", fmt(ProcessMemory.mb(memory.heapCommitted())));
                p.setProperty("non_heap_used_mb", fmt(ProcessMemory.mb(memory.nonHeapUsed())));
                p.setProperty("rss_mb", fmt(ProcessMemory.mb(memory.rss())));
                p.setProperty("rss_anon_mb", fmt(ProcessMemory.mb(memory.rssAnon())));
                p.setProperty("rss_file_mb", fmt(ProcessMemory.mb(memory.rssFile())));
                p.setProperty("peak_rss_mb", fmt(ProcessMemory.mb(memory.peakRss())));
                p.setProperty("off_heap_estimate_mb", fmt(ProcessMemory.mb(memory.offHeapEstimate())));
                try (Writer w = Files.newBufferedWriter(o.path("out", null), StandardCharsets.UTF_8)) {
                    p.store(w, "restart-serve");
                }
            }
        }
    }

    private static long hitsOf(SearchOutcome outcome, int[] truth, float[] truthDist, int k) {
        List<Hit> hits = outcome.hits();
        long[] ids = new long[hits.size()];
        float[] dist = new float[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            ids[i] = hits.get(i).id();
            dist[i] = (float) Math.sqrt(hits.get(i).distance());
        }
        return Recall.hits(ids, dist, truth, truthDist, k, 1e-5);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
