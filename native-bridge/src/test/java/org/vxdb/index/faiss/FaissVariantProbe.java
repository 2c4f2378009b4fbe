package org.vxdb.index.faiss;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.SearchResults;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;

/**
 * Run in a JVM of its own by {@link FaissVariantTest} (a JVM holds one FAISS library):
 * {@code build DIR OUT} makes Flat and IVF64,Flat indexes of seeded vectors, saves them in DIR and
 * writes their answers to OUT; {@code load DIR OUT} loads the saved indexes and writes their answers.
 * OUT starts with the loaded variant and the JNI library file this process mapped.
 */
public final class FaissVariantProbe {

    static final int DIM = 32;
    static final int ROWS = 20_000;
    static final int QUERIES = 40;
    static final int K = 10;
    static final String[] INDEXES = {"Flat", "IVF64,Flat"};

    private FaissVariantProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        VectorIndexProvider provider = VectorIndexProviders.get();
        try (Arena arena = Arena.ofConfined();
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])))) {
            out.println("variant " + FaissVariant.loaded().variant());
            out.println("library " + mappedJniLibrary());
            MemorySegment queries = vectors(QUERIES, 99, arena);
            for (String description : INDEXES) {
                Path file = dir.resolve(description.replace(',', '_') + ".idx");
                VectorIndex index;
                if (mode.equals("build")) {
                    index = provider.create(IndexSpec.parse(description, DIM, Metric.L2));
                    MemorySegment data = vectors(ROWS, 7, arena);
                    index.train(data);
                    MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, ROWS);
                    for (int i = 0; i < ROWS; i++) {
                        ids.setAtIndex(ValueLayout.JAVA_LONG, i, 1000L + i);
                    }
                    index.add(ids, data);
                    index.save(file);
                } else {
                    index = provider.load(file);
                }
                try (index) {
                    SearchResults r = index.search(queries, K, SearchParams.nprobe(8), arena);
                    for (int q = 0; q < QUERIES; q++) {
                        StringBuilder line = new StringBuilder(description).append(' ').append(q);
                        for (int j = 0; j < K; j++) {
                            line.append(' ').append(r.id(q, j)).append(':').append(r.distance(q, j));
                        }
                        out.println(line);
                    }
                }
            }
        }
    }

    static MemorySegment vectors(int n, long seed, Arena arena) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MemorySegment seg = arena.allocate((long) n * DIM * Float.BYTES, 64);
        for (long i = 0; i < (long) n * DIM; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextDouble() * 2 - 1));
        }
        return seg;
    }

    /** The path of the FAISS JNI library in /proc/self/maps. */
    static String mappedJniLibrary() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.endsWith("libjniFaissNative.so"))
                .map(l -> l.substring(l.indexOf('/')))
                .findFirst().orElse("none");
    }
}
