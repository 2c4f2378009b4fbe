package org.vxdb.index;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.vxdb.vecs.Dataset;

/** Shared fixtures: the real datasets in ../shared/data and seeded random vectors. */
final class TestData {

    private TestData() {
    }

    static Path sharedData(String name) {
        String dir = System.getProperty("vxdb.shared.dir", "../../shared");
        Path p = Path.of(dir, "data", name);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("dataset " + p.toAbsolutePath() + " is missing: the tests read "
                    + "../shared/data beside the project checkout");
        }
        return p;
    }

    static Dataset dataset(String name, Arena arena) throws IOException {
        return Dataset.load(sharedData(name), arena);
    }

    /** The provider under test: the one this surefire execution forces with -Dvxdb.index.provider. */
    static VectorIndexProvider provider() {
        return VectorIndexProviders.get();
    }

    static boolean faiss() {
        return provider().name().equals("faiss");
    }

    static MemorySegment sequentialIds(int n, long first, Arena arena) {
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, n);
        for (int i = 0; i < n; i++) {
            ids.setAtIndex(ValueLayout.JAVA_LONG, i, first + i);
        }
        return ids;
    }

    static float[] randomFloats(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    static MemorySegment randomVectors(int n, int dim, long seed, Arena arena) {
        MemorySegment seg = arena.allocate((long) n * dim * Float.BYTES, 64);
        MemorySegment.copy(randomFloats(n * dim, seed), 0, seg, ValueLayout.JAVA_FLOAT, 0, n * dim);
        return seg;
    }

    static MemorySegment floats(Arena arena, float... values) {
        MemorySegment seg = arena.allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT, 0, values.length);
        return seg;
    }

    static MemorySegment longs(Arena arena, long... values) {
        MemorySegment seg = arena.allocate(ValueLayout.JAVA_LONG, values.length);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_LONG, 0, values.length);
        return seg;
    }
}
