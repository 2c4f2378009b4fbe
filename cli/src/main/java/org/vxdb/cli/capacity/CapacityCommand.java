package org.vxdb.cli.capacity;

import java.io.PrintWriter;
import java.util.Locale;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.cli.CliException;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vxdb capacity}: memory and disk per storage node for a collection, from the engine's own
 * estimates ({@link CapacityPlan}), and the node count a memory limit needs.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Plan a cluster: heap, native memory and disk per node, and the nodes a memory limit needs")
public final class CapacityCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "N", description = "Vectors in the collection")
    long vectors;
    @Option(names = "--dim", required = true, paramLabel = "D", description = "Vector dimension")
    int dimension;
    @Option(names = "--metric", defaultValue = "l2", paramLabel = "l2|ip|cosine",
            description = "Distance metric (default: ${DEFAULT-VALUE})")
    String metric;
    @Option(names = "--index", defaultValue = "ivf_flat", paramLabel = "ivf_flat|ivf_sq8|hnsw|flat|FACTORY",
            description = "Index type, or a factory string such as IVF1024,Flat (default: ${DEFAULT-VALUE})")
    String index;
    @Option(names = "--hnsw-m", defaultValue = "32",
            description = "HNSW M for --index hnsw (default: ${DEFAULT-VALUE})")
    int hnswM;
    @Option(names = "--rf", defaultValue = "1", paramLabel = "R",
            description = "Replication factor (default: ${DEFAULT-VALUE})")
    int rf;
    @Option(names = "--nodes", defaultValue = "1", paramLabel = "K",
            description = "Storage nodes (default: ${DEFAULT-VALUE})")
    int nodes;
    @Option(names = "--clusters", defaultValue = "12", paramLabel = "C",
            description = "Total clusters of the topology: shards of a collection per node (default: ${DEFAULT-VALUE})")
    int clusters;
    @Option(names = "--memory-limit", paramLabel = "SIZE",
            description = "Memory per node (heap + native), e.g. 8g or 8GiB: prints the nodes needed")
    String memoryLimit;
    @Option(names = "--buffer-rows", paramLabel = "ROWS",
            description = "Rows per shard buffer (default: the engine's for this dimension)")
    Integer bufferRows;
    @Option(names = "--metadata-bytes", defaultValue = "0", paramLabel = "BYTES",
            description = "Metadata bytes per row (default: ${DEFAULT-VALUE})")
    long metadataBytes;
    @Option(names = "--heap", defaultValue = "1g", paramLabel = "SIZE",
            description = "JVM heap per node (default: ${DEFAULT-VALUE}, as ./vxdb run gives a node)")
    String heap;

    @Override
    public void run() {
        CapacityPlan plan = new CapacityPlan(vectors, dimension, metric(metric), factory(index, hnswM), rf, nodes,
                clusters, bufferRows == null ? CapacityPlan.defaultBufferRows(dimension) : bufferRows, metadataBytes,
                size("--heap", heap));
        print(spec.commandLine().getOut(), plan, memoryLimit == null ? -1 : size("--memory-limit", memoryLimit));
    }

    static void print(PrintWriter out, CapacityPlan p, long limit) {
        IndexSpec s = p.indexSpec();
        out.printf("Capacity of %d vectors x %d (%s), index %s, RF %d, %d node%s, %d clusters%n", p.vectors(),
                p.dimension(), p.metric().name().toLowerCase(Locale.ROOT), p.index(), p.rf(), p.nodes(),
                p.nodes() == 1 ? "" : "s", p.clusters());
        out.printf("Each node: %d rows in %d shards (%d rows each), index per shard: %s%n", p.rowsPerNode(),
                p.shardsWithData(), p.rowsPerShard(), s == null ? "none (exact scans)" : s.description());
        out.println("Memory per node:");
        row(out, "heap (-Xmx)", p.heapBytes());
        row(out, "native: memory buffers (" + p.clusters() + " x " + p.bufferRows() + " rows)", p.bufferBytes());
        row(out, "native: index", p.indexBytes());
        row(out, "native: index reservation (room to grow 2x)", p.indexReservationBytes());
        row(out, "native: index training sample", p.trainingBytes());
        row(out, "native total (storage.native_memory_budget)", p.nativeBytes());
        row(out, "total (heap + native)", p.memoryBytes());
        row(out, "page cache for segments (mapped)", p.segmentBytes());
        out.println("Disk per node:");
        row(out, "segments", p.segmentBytes());
        row(out, "WAL (unsealed rows, at most)", p.walBytes());
        row(out, "index files", p.indexFileBytes());
        row(out, "total", p.diskBytes());
        if (limit >= 0) {
            int needed = p.nodesFor(limit);
            if (needed < 0) {
                out.printf("Memory limit %s per node: no node count up to %d fits (the buffers alone need %s)%n",
                        bytes(limit), CapacityPlan.MAX_NODES, bytes(p.heapBytes() + p.bufferBytes()));
            } else {
                out.printf("Memory limit %s per node: %d node%s needed (%s per node)%s%n", bytes(limit), needed,
                        needed == 1 ? "" : "s", bytes(p.withNodes(needed).memoryBytes()),
                        needed <= p.nodes() ? "; " + p.nodes() + " fit" : "; " + p.nodes() + " do not fit");
            }
        }
        out.flush();
    }

    private static void row(PrintWriter out, String what, long bytes) {
        out.printf("  %-46s %12s%n", what, bytes(bytes));
    }

    /** Decimal units, as disks are sold: 537.0 MB, 1.07 GB. */
    public static String bytes(long b) {
        if (b >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", b / 1e9);
        }
        if (b >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        }
        if (b >= 1_000L) {
            return String.format(Locale.ROOT, "%.1f KB", b / 1e3);
        }
        return b + " B";
    }

    static Metric metric(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "l2" -> Metric.L2;
            case "ip", "inner_product" -> Metric.INNER_PRODUCT;
            case "cosine" -> Metric.COSINE;
            default -> throw new CliException("--metric '" + text + "' is invalid: use l2, ip or cosine");
        };
    }

    static String factory(String index, int hnswM) {
        return switch (index.toLowerCase(Locale.ROOT)) {
            case "ivf_flat", "ivf" -> "IVF,Flat";
            case "ivf_sq8" -> "IVF,SQ8";
            case "hnsw" -> "HNSW" + hnswM;
            case "flat" -> "Flat";
            default -> {
                if (!index.matches("[A-Z][A-Za-z0-9,]*")) {
                    throw new CliException("--index '" + index + "' is invalid: use ivf_flat, ivf_sq8, hnsw, flat or a"
                            + " factory string such as IVF1024,Flat");
                }
                yield index;
            }
        };
    }

    /** A size as -Xmx writes it (512m, 8g) or as the configs do (8GiB, 512MB). */
    static long size(String option, String text) {
        String t = text.strip();
        long unit = switch (t.isEmpty() ? ' ' : Character.toLowerCase(t.charAt(t.length() - 1))) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 0;
        };
        if (unit != 0 && t.substring(0, t.length() - 1).chars().allMatch(Character::isDigit) && t.length() > 1) {
            return Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1)), unit);
        }
        try {
            return ByteSizeText.parse(t);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CliException(option + " '" + text + "' is not a size: use e.g. 8g, 512m or 8GiB");
        }
    }
}
