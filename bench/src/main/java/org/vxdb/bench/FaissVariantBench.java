package org.vxdb.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.index.faiss.FaissVariant;

/**
 * Search QPS of the generic (SSE) and AVX2 FAISS libraries on the same index files, in one run
 * ({@code ./vxdb faiss-bench}). A JVM holds one FAISS library, so the run is three JVMs: one builds
 * Flat and IVF{nlist},Flat over seeded clustered vectors with the generic library and saves them;
 * then one per variant loads those files and searches the same queries, {@code --batch} per call
 * (default 1, a server's pattern; below 20 FAISS uses its own SIMD code, not BLAS) on one OpenMP
 * thread, each setting for at least {@code --seconds}. It prints a table with the speed-up and how
 * many answers agree.
 *
 * <pre>
 *   ./vxdb faiss-bench [--rows 100000] [--dim 128] [--nlist 1024] [--nprobe 1,8,32] [--seconds 3] [--batch 1]
 *                     [--dir DIR]
 * </pre>
 */
public final class FaissVariantBench {

    private static final int K = 10;
    private static final int QUERIES = 1000;
    private static final int MIXTURE = 256;

    private FaissVariantBench() {
    }

    /** Options shared by the parent and its children. */
    record Options(int rows, int dim, int nlist, List<Integer> nprobes, double seconds, int batch, Path dir) {

        static Options parse(String[] args) throws IOException {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
                }
                m.put(args[i].substring(2), args[++i]);
            }
            List<Integer> nprobes = new ArrayList<>();
            for (String s : m.getOrDefault("nprobe", "1,8,32").split(",")) {
                nprobes.add(Integer.parseInt(s.trim()));
            }
            Path dir = m.containsKey("dir") ? Path.of(m.get("dir")) : Files.createTempDirectory("vxdb-faiss-bench");
            Options o = new Options(Integer.parseInt(m.getOrDefault("rows", "100000")),
                    Integer.parseInt(m.getOrDefault("dim", "128")), Integer.parseInt(m.getOrDefault("nlist", "1024")),
                    nprobes, Double.parseDouble(m.getOrDefault("seconds", "3")),
                    Integer.parseInt(m.getOrDefault("batch", "1")), dir);
            if (o.batch() < 1 || o.batch() > QUERIES || QUERIES % o.batch() != 0) {
                throw new IllegalArgumentException("--batch must divide " + QUERIES + ", got " + o.batch());
            }
            m.keySet().removeAll(List.of("rows", "dim", "nlist", "nprobe", "seconds", "batch", "dir"));
            if (!m.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + m.keySet()
                        + " (use --rows --dim --nlist --nprobe --seconds --batch --dir)");
            }
            return o;
        }

        String[] toArgs() {
            List<String> a = new ArrayList<>(List.of("--rows", "" + rows, "--dim", "" + dim, "--nlist", "" + nlist,
                    "--seconds", "" + seconds, "--batch", "" + batch, "--dir", dir.toString(), "--nprobe"));
            a.add(String.join(",", nprobes.stream().map(String::valueOf).toList()));
            return a.toArray(String[]::new);
        }

        String ivf() {
            return "IVF" + nlist + ",Flat";
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("build") || args[0].equals("search"))) {
            child(args[0], Options.parse(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        Options o = Options.parse(args);
        System.out.printf(Locale.ROOT, "faiss-bench: %d x %d-d clustered vectors, %d queries %d per call, k %d, "
                + "1 OpenMP thread, index files in %s%n", o.rows(), o.dim(), QUERIES, o.batch(), K, o.dir());
        run(o, "generic", "build");
        Map<String, Double> generic = parse(run(o, "generic", "search"));
        Map<String, Double> avx2 = parse(run(o, "avx2", "search"));
        System.out.printf(Locale.ROOT, "%-16s %7s %13s %13s %9s %12s%n", "index", "nprobe", "generic QPS", "avx2 QPS",
                "speed-up", "same top-10");
        for (String key : generic.keySet()) {
            if (key.startsWith("agree ")) {
                continue;
            }
            String[] parts = key.split(" ");
            double g = generic.get(key);
            double a = avx2.get(key);
            System.out.printf(Locale.ROOT, "%-16s %7s %13.1f %13.1f %8.2fx %11.1f%%%n", parts[0], parts[1], g, a,
                    a / g, 100 * avx2.get("agree " + key));
        }
    }

    private static List<String> run(Options o, String variant, String mode) throws Exception {
        Path out = o.dir().resolve(mode + "-" + variant + ".txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-Dvxdb.index.provider=faiss", "-Dvxdb.faiss.variant=" + variant,
                "-cp", System.getProperty("java.class.path"), FaissVariantBench.class.getName(), mode));
        cmd.addAll(List.of(o.toArgs()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(mode + " with the " + variant + " library failed; see " + out);
        }
        List<String> lines = Files.readAllLines(out);
        lines.stream().filter(l -> l.startsWith("faiss-bench:")).forEach(System.out::println);
        return lines;
    }

    private static Map<String, Double> parse(List<String> lines) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.startsWith("RESULT ")) {
                String[] f = l.split(" ");
                m.put(f[1] + " " + f[2], Double.parseDouble(f[3]));
                m.put("agree " + f[1] + " " + f[2], Double.parseDouble(f[4]));
            }
        }
        return m;
    }

    private static void child(String mode, Options o) throws IOException {
        VectorIndexProvider provider = VectorIndexProviders.get();
        provider.setThreads(1);
        String variant = FaissVariant.loaded().variant();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment queries = mixture(QUERIES, o.dim(), 2, arena);
            if (mode.equals("build")) {
                MemorySegment base = mixture(o.rows(), o.dim(), 1, arena);
                MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, o.rows());
                for (int i = 0; i < o.rows(); i++) {
                    ids.setAtIndex(ValueLayout.JAVA_LONG, i, i);
                }
                provider.setThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
                for (String description : List.of("Flat", o.ivf())) {
                    long t0 = System.nanoTime();
                    try (VectorIndex index = provider.create(IndexSpec.parse(description, o.dim(), Metric.L2))) {
                        index.train(base);
                        index.add(ids, base);
                        index.save(o.dir().resolve(fileName(description)));
                    }
                    System.out.printf(Locale.ROOT, "faiss-bench: built %s with the %s library in %.1f s%n",
                            description, variant, (System.nanoTime() - t0) / 1e9);
                }
                return;
            }
            for (String description : List.of("Flat", o.ivf())) {
                try (VectorIndex index = provider.load(o.dir().resolve(fileName(description)))) {
                    List<Integer> probes = description.equals("Flat") ? List.of(0) : o.nprobes();
                    for (int nprobe : probes) {
                        measure(index, description, nprobe, queries, o, variant, arena);
                    }
                }
            }
        }
    }

    private static void measure(VectorIndex index, String description, int nprobe, MemorySegment queries,
                                Options o, String variant, Arena arena) throws IOException {
        SearchParams params = nprobe == 0 ? SearchParams.DEFAULT : SearchParams.nprobe(nprobe);
        long rowBytes = (long) o.dim() * Float.BYTES;
        int b = o.batch();
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, (long) b * K);
        MemorySegment distances = arena.allocate(ValueLayout.JAVA_FLOAT, (long) b * K);
        long[] firstPass = new long[QUERIES * K];
        for (int q = 0; q < QUERIES; q += b) {
            index.search(queries.asSlice(q * rowBytes, b * rowBytes), K, params, ids, distances);
            MemorySegment.copy(ids, ValueLayout.JAVA_LONG, 0, firstPass, q * K, b * K);
        }
        long n = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (o.seconds() * 1e9);
        while (System.nanoTime() < deadline || n < QUERIES) {
            int q = (int) (n % QUERIES);
            index.search(queries.asSlice(q * rowBytes, b * rowBytes), K, params, ids, distances);
            n += b;
        }
        double qps = n / ((System.nanoTime() - t0) / 1e9);
        String key = description + " " + (nprobe == 0 ? "-" : String.valueOf(nprobe));
        Path answers = o.dir().resolve("answers-" + key.replace(' ', '_').replace(',', '_') + ".bin");
        double agree = 1.0;
        if (variant.equals("generic")) {
            writeLongs(answers, firstPass);
        } else if (Files.exists(answers)) {
            long[] reference = readLongs(answers);
            int same = 0;
            for (int i = 0; i < firstPass.length; i++) {
                same += firstPass[i] == reference[i] ? 1 : 0;
            }
            agree = (double) same / firstPass.length;
        }
        System.out.printf(Locale.ROOT, "RESULT %s %.2f %.4f%n", key, qps, agree);
        System.out.printf(Locale.ROOT, "faiss-bench: %-7s %-14s nprobe %-3s %10.1f QPS (%d queries)%n", variant,
                description, nprobe == 0 ? "-" : String.valueOf(nprobe), qps, n);
    }

    private static String fileName(String description) {
        return description.replace(',', '_') + ".idx";
    }

    /** Rows from a seeded mixture of Gaussians: centres uniform in [-1, 1)^d, spread 0.3. */
    private static MemorySegment mixture(int rows, int dim, long stream, Arena arena) {
        SplittableRandom centres = new SplittableRandom(42);
        float[] c = new float[MIXTURE * dim];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (centres.nextDouble() * 2 - 1);
        }
        SplittableRandom rnd = new SplittableRandom(42 + stream);
        MemorySegment seg = arena.allocate((long) rows * dim * Float.BYTES, 64);
        for (long r = 0; r < rows; r++) {
            int k = rnd.nextInt(MIXTURE);
            for (int j = 0; j < dim; j++) {
                float v = (float) (c[k * dim + j] + 0.3 * gaussian(rnd));
                seg.setAtIndex(ValueLayout.JAVA_FLOAT, r * dim + j, v);
            }
        }
        return seg;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static void writeLongs(Path file, long[] values) throws IOException {
        MemorySegment seg = MemorySegment.ofArray(values);
        Files.write(file, seg.toArray(ValueLayout.JAVA_BYTE));
    }

    private static long[] readLongs(Path file) throws IOException {
        java.nio.LongBuffer in = java.nio.ByteBuffer.wrap(Files.readAllBytes(file))
                .order(java.nio.ByteOrder.nativeOrder()).asLongBuffer();
        long[] values = new long[in.remaining()];
        in.get(values);
        return values;
    }
}
