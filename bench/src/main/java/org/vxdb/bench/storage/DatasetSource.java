package org.vxdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.vxdb.vecs.Dataset;

/**
 * Where a storage benchmark gets its vectors: an existing dataset directory ({@code --data}, e.g.
 * {@code ../shared/data/sift-5k}, used whole) or the clustered generator ({@code --n --dim --seed
 * --queries --clusters --sigma}, cached under {@code --cache}).
 */
public final class DatasetSource {

    public static final Set<String> OPTIONS = Set.of("n", "dim", "seed", "queries", "clusters", "sigma", "data", "cache");
    static final Path DEFAULT_CACHE = Path.of("bench", "target", "data");

    private DatasetSource() {
    }

    public static Dataset load(BenchOptions o, Arena arena, PrintStream out) throws IOException {
        return load(resolve(o, out), arena, out);
    }

    /** The dataset directory the options name, generated first if needed. */
    public static Path resolve(BenchOptions o, PrintStream out) throws IOException {
        Path dir;
        if (o.has("data")) {
            for (String generatorOnly : new String[] {"n", "dim", "seed", "queries", "clusters", "sigma"}) {
                if (o.has(generatorOnly)) {
                    throw new IllegalArgumentException("--" + generatorOnly + " describes generated data; --data "
                            + "uses the whole dataset as it is");
                }
            }
            dir = o.path("data", null);
        } else {
            ClusteredData.Spec spec = new ClusteredData.Spec(o.integer("n", 1_000_000, 1), o.integer("dim", 128, 1),
                    o.longValue("seed", 42), o.integer("queries", ClusteredData.DEFAULT_QUERIES, 1),
                    o.integer("clusters", ClusteredData.DEFAULT_CLUSTERS, 1),
                    o.decimal("sigma", ClusteredData.DEFAULT_SIGMA));
            dir = ClusteredData.ensure(o.path("cache", DEFAULT_CACHE), spec, out);
        }
        return dir;
    }

    public static Dataset load(Path dir, Arena arena, PrintStream out) throws IOException {
        long started = System.nanoTime();
        Dataset ds = Dataset.load(dir, arena);
        out.printf(Locale.ROOT, "loaded %s: %d x %d base, %d queries, ground truth %s (%.1f s)%n", dir,
                ds.base().count(), ds.base().dimension(), ds.queries().count(),
                ds.groundTruthDistances() == null ? "ids only" : "with distances", (System.nanoTime() - started) / 1e9);
        return ds;
    }
}
