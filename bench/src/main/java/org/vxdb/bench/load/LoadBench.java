package org.vxdb.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vxdb.bench.storage.BenchCollection;
import org.vxdb.bench.storage.BenchOptions;
import org.vxdb.bench.storage.DatasetSource;
import org.vxdb.bench.storage.JsonLine;
import org.vxdb.vecs.Dataset;

/**
 * {@code ./vxdb bench <workload>}: the load and recall generator. Workloads {@code recall},
 * {@code search}, {@code ingest} and {@code mixed} run against one or more targets
 * ({@code direct}, {@code embedded}, {@code node=HOST:PORT}, {@code coordinator=HOST:PORT}; the
 * first is the baseline the others are compared with), print what they measure as they go and,
 * last, one line of JSON with every figure. {@code --json}, {@code --md} and {@code --plot} also
 * write the figures as a JSON file, a Markdown report and a PNG latency plot.
 */
public final class LoadBench {

    static final String USAGE = """
            usage: ./vxdb bench <recall|search|ingest|mixed|filter> [--option value ...]
            targets:  --target direct|embedded|node=HOST:PORT|coordinator=HOST:PORT[,...]   (default embedded;
                      the first is the baseline)  [--shards N] [--fsync always|batch|none] [--consistency one|quorum|all]
                      [--channels N] [--buffer-age-ms 2000 (remote targets seal buffers this old)]
                      [--collection NAME --keep true (remote targets: a named collection, left in place)]
                      [KIND=tls://HOST:PORT targets: --tls-ca CA.pem [--tls-cert CERT.pem --tls-key KEY.pem (nodes)]]
            [--api-key KEY | --api-key-file FILE] [--grpc-tls HOST:PORT (control of tls:// protocol targets)]
                      [--work DIR (embedded data, deleted afterwards)]
            data:     --data DIR (fvecs/ivecs, e.g. ../shared/data/sift-5k) | generated clustered data with exact
                      ground truth: --n 1000000 --dim 128 --seed 42 --queries 1000 --clusters 256 --sigma 0.3
                      [--cache bench/target/data]
            common:   --index IVF,Flat --metric l2|cosine|ip --k 10 --load-batch 1000 --load-clients 2
                      --json FILE --md FILE --plot FILE.png --progress on|off
            recall:   --nprobe default|1,2,4,... --rounds 1 --warmup 100 --clients 1 --recall-goal 0.95
            search:   --clients 4 --duration 10 (s) --rate 25%,50%,75%|1000,2000 --workers 64 --nprobe 0 --warmup 200
            ingest:   --batch 100 --concurrency 2 --rows N --await-indexed true (then report the time until indexed)
            mixed:    --duration 10 --ingest-rate 10000 (vectors/s) --search-rate 100 --batch 100 --preload 0.5
                      --workers 32 --nprobe 0 --warmup 500 (searches before the loops, not measured)
            filter:   --filter 50,10,1,0.1,0.01 (% of rows matched) --filter-queries 200 --warmup 100
                      --filter-baseline true (also measure each filter before the metadata indexes exist)
                      --filter-node HOST:PORT (through a coordinator: watch index builds on this storage node)
          ./vxdb bench floor [--grpc HOST:PORT] [--rest HOST:PORT] [--resp HOST:PORT] [--duration 10] [--warmup 2000]
                      the empty round trip of each protocol (gRPC health check, REST 404, RESP PING)""";

    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return;
        }
        try {
            System.out.println(run(args, System.out));
        } catch (IllegalArgumentException e) {
            System.err.printf(Locale.ROOT, "vxdb bench: %s%n%s%n", e.getMessage(), USAGE);
            System.exit(2);
        }
    }

    /** Runs the workload {@code args} name, writes the requested report files, returns the JSON line. */
    public static JsonLine run(String[] args, PrintStream out) throws IOException {
        String workload = args[0];
        if (workload.equals("floor")) {
            BenchOptions f = BenchOptions.parse(workload, args, 1, ProtocolFloor.OPTIONS);
            JsonLine json;
            try {
                json = ProtocolFloor.run(f, out).put("command", String.join(" ", args));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("floor: " + e, e);
            }
            if (f.has("json")) {
                write(f.path("json", null), json + "\n");
            }
            return json;
        }
        Set<String> own = switch (workload) {
            case "recall" -> RecallWorkload.OPTIONS;
            case "search" -> SearchWorkload.OPTIONS;
            case "ingest" -> IngestWorkload.OPTIONS;
            case "mixed" -> MixedWorkload.OPTIONS;
            case "filter" -> FilterWorkload.OPTIONS;
            default -> throw new IllegalArgumentException("unknown workload '" + workload
                    + "' (known: recall, search, ingest, mixed, filter, floor)");
        };
        BenchOptions o = BenchOptions.parse(workload, args, 1, LoadContext.union(LoadContext.COMMON_OPTIONS, own));
        String loadStart = BenchCollection.loadAverage();
        try (Arena arena = Arena.ofShared()) {
            Dataset ds = DatasetSource.load(o, arena, out);
            LoadContext c = new LoadContext(o, ds, out);
            List<Target> targets = c.openTargets();
            Outcome outcome;
            try {
                outcome = switch (workload) {
                    case "recall" -> RecallWorkload.run(c, targets);
                    case "search" -> SearchWorkload.run(c, targets);
                    case "ingest" -> IngestWorkload.run(c, targets);
                    case "filter" -> FilterWorkload.run(c, targets);
                    default -> MixedWorkload.run(c, targets);
                };
            } finally {
                targets.forEach(Target::close);
            }
            JsonLine json = outcome.json().put("loadavg_start", loadStart).put("loadavg_end",
                    BenchCollection.loadAverage()).put("cpus", Runtime.getRuntime().availableProcessors())
                    .put("java", Runtime.version().toString()).put("command", String.join(" ", args));
            writeReports(o, outcome, json, out);
            return json;
        }
    }

    private static void writeReports(BenchOptions o, Outcome outcome, JsonLine json, PrintStream out)
            throws IOException {
        if (o.has("json")) {
            write(o.path("json", null), json + "\n");
            out.println("wrote " + o.path("json", null));
        }
        if (o.has("plot")) {
            LatencyPlot.write(o.path("plot", null), json.get("workload") + " latency, " + json.get("dataset"),
                    outcome.latencies());
            out.println("wrote " + o.path("plot", null));
        }
        if (o.has("md")) {
            write(o.path("md", null), MarkdownReport.render(outcome, json, o.has("plot")
                    ? o.path("md", null).toAbsolutePath().getParent().relativize(o.path("plot", null).toAbsolutePath())
                    : null));
            out.println("wrote " + o.path("md", null));
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
