package org.vxdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.vxdb.vecs.VectorSet;

/**
 * Seeded clustered vectors (a mixture of Gaussians) with exact ground truth, cached on disk.
 *
 * <p>{@link #ensure} returns a dataset directory that {@link org.vxdb.vecs.Dataset#load} reads:
 * {@code base.fvecs}, {@code query.fvecs}, {@code groundtruth.ivecs} (exact top-100 by L2, equal
 * distances by lower id) and {@code groundtruth_dist.fvecs} (the L2 distances, not squared, as in
 * the TEXMEX sets), plus {@code params.properties}. The directory is built under a temporary name
 * and renamed into place, so a crash never leaves a half-written set that looks complete; the next
 * call finds it and does no work.
 *
 * <p>The mixture: {@code clusters} centres uniform in [-1, 1)^d; each cluster has its own spread,
 * uniform in [0.5, 1.5) x {@code sigma} per component; a row picks its cluster uniformly. Queries
 * come from the same mixture through their own random stream, so they are not copies of base rows.
 */
public final class ClusteredData {

    public static final int DEFAULT_QUERIES = 1000;
    public static final int DEFAULT_CLUSTERS = 256;
    public static final double DEFAULT_SIGMA = 0.3;
    /** Neighbours stored per query in the ground truth files. */
    public static final int GROUND_TRUTH_K = 100;
    static final String PARAMS_FILE = "params.properties";
    private static final int FORMAT = 1;

    /** What to generate; every field is part of the cache key. */
    public record Spec(int n, int dimension, long seed, int queries, int clusters, double sigma) {

        public Spec {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1, got " + n);
            }
            if (dimension < 1 || dimension > 65_536) {
                throw new IllegalArgumentException("dimension must be between 1 and 65536, got " + dimension);
            }
            if (queries < 1) {
                throw new IllegalArgumentException("queries must be >= 1, got " + queries);
            }
            if (clusters < 1) {
                throw new IllegalArgumentException("clusters must be >= 1, got " + clusters);
            }
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("sigma must be a positive number, got " + sigma);
            }
        }

        public static Spec of(int n, int dimension, long seed) {
            return new Spec(n, dimension, seed, DEFAULT_QUERIES, DEFAULT_CLUSTERS, DEFAULT_SIGMA);
        }

        /** {@code clustered-<n>x<d>-s<seed>}, with the other fields appended when not the defaults. */
        public String directoryName() {
            StringBuilder name = new StringBuilder("clustered-" + n + "x" + dimension + "-s" + seed);
            if (queries != DEFAULT_QUERIES) {
                name.append("-q").append(queries);
            }
            if (clusters != DEFAULT_CLUSTERS) {
                name.append("-c").append(clusters);
            }
            if (sigma != DEFAULT_SIGMA) {
                name.append("-sd").append(String.format(Locale.ROOT, "%s", sigma));
            }
            return name.toString();
        }

        int groundTruthK() {
            return Math.min(GROUND_TRUTH_K, n);
        }

        Properties toProperties() {
            Properties p = new Properties();
            p.setProperty("format", Integer.toString(FORMAT));
            p.setProperty("n", Integer.toString(n));
            p.setProperty("dimension", Integer.toString(dimension));
            p.setProperty("seed", Long.toString(seed));
            p.setProperty("queries", Integer.toString(queries));
            p.setProperty("clusters", Integer.toString(clusters));
            p.setProperty("sigma", Double.toString(sigma));
            p.setProperty("groundTruthK", Integer.toString(groundTruthK()));
            p.setProperty("metric", "l2");
            return p;
        }
    }

    private ClusteredData() {
    }

    /** The dataset directory of {@code spec} under {@code cacheRoot}, generated if it is not there yet. */
    public static Path ensure(Path cacheRoot, Spec spec, PrintStream log) throws IOException {
        Path dir = cacheRoot.resolve(spec.directoryName());
        if (Files.isDirectory(dir)) {
            checkParams(dir, spec);
            log.printf(Locale.ROOT, "dataset %s (cached)%n", dir);
            return dir;
        }
        Files.createDirectories(cacheRoot);
        Path tmp = Files.createTempDirectory(cacheRoot, spec.directoryName() + ".tmp-");
        try {
            generate(spec, tmp, log);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process finished the same set first: keep theirs.
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
                log.printf(Locale.ROOT, "dataset %s appeared while generating; using it%n", dir);
            }
        } finally {
            deleteTree(tmp);
        }
        checkParams(dir, spec);
        return dir;
    }

    private static void checkParams(Path dir, Spec spec) throws IOException {
        Path file = dir.resolve(PARAMS_FILE);
        if (!Files.exists(file)) {
            throw new IOException(dir + " has no " + PARAMS_FILE + "; delete it and run again");
        }
        Properties found = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            found.load(in);
        }
        Properties want = spec.toProperties();
        for (String key : want.stringPropertyNames()) {
            if (!want.getProperty(key).equals(found.getProperty(key))) {
                throw new IOException(file + ": " + key + " is " + found.getProperty(key) + ", expected "
                        + want.getProperty(key) + "; delete " + dir + " and run again");
            }
        }
    }

    /** Writes the four vecs files and the params file of {@code spec} into {@code dir}. */
    static void generate(Spec spec, Path dir, PrintStream log) throws IOException {
        long started = System.nanoTime();
        SplittableRandom root = new SplittableRandom(spec.seed());
        SplittableRandom centreRandom = root.split();
        SplittableRandom baseRandom = root.split();
        SplittableRandom queryRandom = root.split();
        float[][] centres = new float[spec.clusters()][spec.dimension()];
        double[] spreads = new double[spec.clusters()];
        for (int c = 0; c < spec.clusters(); c++) {
            for (int j = 0; j < spec.dimension(); j++) {
                centres[c][j] = (float) (centreRandom.nextDouble() * 2 - 1);
            }
            spreads[c] = spec.sigma() * (0.5 + centreRandom.nextDouble());
        }
        try (Arena arena = Arena.ofShared()) { // the ground truth reads it from several threads
            VectorSet base = draw(arena, spec.n(), centres, spreads, baseRandom);
            VectorSet queries = draw(arena, spec.queries(), centres, spreads, queryRandom);
            VecsWriter.writeFvecs(dir.resolve("base.fvecs"), base);
            VecsWriter.writeFvecs(dir.resolve("query.fvecs"), queries);
            log.printf(Locale.ROOT, "generated %d x %d base and %d queries in %.1f s; computing exact top-%d%n",
                    spec.n(), spec.dimension(), spec.queries(), (System.nanoTime() - started) / 1e9,
                    spec.groundTruthK());
            long gtStarted = System.nanoTime();
            int threads = Runtime.getRuntime().availableProcessors();
            GroundTruth.Result gt = GroundTruth.compute(base, queries, spec.groundTruthK(), threads);
            VecsWriter.writeIvecs(dir.resolve("groundtruth.ivecs"), gt.ids());
            VecsWriter.writeFvecs(dir.resolve("groundtruth_dist.fvecs"), gt.distances());
            log.printf(Locale.ROOT, "ground truth in %.1f s on %d threads (%d queries needed the full "
                    + "double-precision scan)%n", (System.nanoTime() - gtStarted) / 1e9, threads, gt.fullScanQueries());
        }
        Properties params = spec.toProperties();
        try (Writer out = Files.newBufferedWriter(dir.resolve(PARAMS_FILE), StandardCharsets.UTF_8)) {
            params.store(out, "org.vxdb.bench.storage.ClusteredData: mixture of Gaussians, exact L2 ground truth");
        }
    }

    private static VectorSet draw(Arena arena, int rows, float[][] centres, double[] spreads,
                                  SplittableRandom random) {
        int dim = centres[0].length;
        MemorySegment data = arena.allocate((long) rows * dim * Float.BYTES, 64);
        for (long r = 0; r < rows; r++) {
            int c = random.nextInt(centres.length);
            float[] centre = centres[c];
            double spread = spreads[c];
            long base = r * dim;
            for (int j = 0; j < dim; j++) {
                data.setAtIndex(ValueLayout.JAVA_FLOAT, base + j, (float) (centre[j] + spread * random.nextGaussian()));
            }
        }
        return new VectorSet(dim, rows, data);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
