package org.vxdb.bench.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.VectorSet;

class ClusteredDataTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    /** The plain answer: every distance in double, sorted by distance then id. */
    private static int[] bruteForceIds(VectorSet base, float[] q, int k, float[] distancesOut) {
        double[] d = new double[base.count()];
        for (int r = 0; r < base.count(); r++) {
            float[] row = base.row(r);
            double sum = 0;
            for (int j = 0; j < q.length; j++) {
                double diff = (double) q[j] - row[j];
                sum += diff * diff;
            }
            d[r] = sum;
        }
        int[] ids = IntStream.range(0, base.count()).boxed()
                .sorted(Comparator.<Integer>comparingDouble(r -> d[r]).thenComparingInt(r -> r))
                .limit(k).mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < k; i++) {
            distancesOut[i] = (float) Math.sqrt(d[ids[i]]);
        }
        return ids;
    }

    @Test
    void shouldWriteGroundTruthEqualToABruteForceScan() throws IOException {
        ClusteredData.Spec spec = new ClusteredData.Spec(700, 9, 7, 25, 5, 0.3);
        Path dir = ClusteredData.ensure(tmp, spec, QUIET);
        assertEquals(tmp.resolve("clustered-700x9-s7-q25-c5"), dir);
        try (Arena arena = Arena.ofConfined()) {
            Dataset ds = Dataset.load(dir, arena);
            assertEquals(700, ds.base().count());
            assertEquals(9, ds.base().dimension());
            assertEquals(25, ds.queries().count());
            for (int q = 0; q < 25; q++) {
                float[] expectedDist = new float[100];
                int[] expected = bruteForceIds(ds.base(), ds.queries().row(q), 100, expectedDist);
                assertArrayEquals(expected, ds.groundTruth()[q], "ids of query " + q);
                assertArrayEquals(expectedDist, ds.groundTruthDistances()[q], "distances of query " + q);
            }
        }
    }

    @Test
    void shouldBreakTiesByLowerIdAndRescanWhenTheFloatPassCannotDecide() {
        // 300 rows but only 3 distinct vectors: every query sees 100 exact ties per distance.
        int n = 300;
        int dim = 4;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate((long) n * dim * Float.BYTES, 64);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < dim; j++) {
                    data.setAtIndex(ValueLayout.JAVA_FLOAT, (long) r * dim + j, (r % 3) + 0.25f * j);
                }
            }
            VectorSet base = new VectorSet(dim, n, data);
            MemorySegment qdata = arena.allocate((long) 2 * dim * Float.BYTES, 64);
            for (int j = 0; j < dim; j++) {
                qdata.setAtIndex(ValueLayout.JAVA_FLOAT, j, 1.1f + 0.25f * j);
                qdata.setAtIndex(ValueLayout.JAVA_FLOAT, dim + j, -3f);
            }
            VectorSet queries = new VectorSet(dim, 2, qdata);
            GroundTruth.Result gt = GroundTruth.compute(base, queries, 120, 2);
            for (int q = 0; q < 2; q++) {
                float[] expectedDist = new float[120];
                assertArrayEquals(bruteForceIds(base, queries.row(q), 120, expectedDist), gt.ids()[q]);
                assertArrayEquals(expectedDist, gt.distances()[q]);
            }
            // Query 0 is nearest to the rows r % 3 == 1: ids 1, 4, 7, ... come first, in order.
            assertArrayEquals(IntStream.range(0, 100).map(i -> 3 * i + 1).toArray(),
                    Arrays.copyOf(gt.ids()[0], 100));
            assertEquals(2, gt.fullScanQueries());
        }
    }

    @Test
    void shouldUseTheCachedSetWithoutRegenerating() throws IOException {
        ClusteredData.Spec spec = new ClusteredData.Spec(300, 16, 1, 10, 4, 0.3);
        Path dir = ClusteredData.ensure(tmp, spec, QUIET);
        FileTime written = Files.getLastModifiedTime(dir.resolve("base.fvecs"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path again = ClusteredData.ensure(tmp, spec, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(dir, again);
        assertEquals(written, Files.getLastModifiedTime(dir.resolve("base.fvecs")));
        assertEquals("dataset " + dir + " (cached)" + System.lineSeparator(), log.toString(StandardCharsets.UTF_8));
        try (var entries = Files.list(tmp)) {
            assertEquals(1, entries.count(), "no temporary directory is left behind");
        }
    }

    @Test
    void shouldGenerateTheSameBytesFromTheSameSeed() throws IOException {
        ClusteredData.Spec spec = new ClusteredData.Spec(200, 12, 99, 5, 3, 0.5);
        Path a = ClusteredData.ensure(tmp.resolve("a"), spec, QUIET);
        Path b = ClusteredData.ensure(tmp.resolve("b"), spec, QUIET);
        for (String file : new String[] {"base.fvecs", "query.fvecs", "groundtruth.ivecs", "groundtruth_dist.fvecs"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
        Path other = ClusteredData.ensure(tmp.resolve("c"), new ClusteredData.Spec(200, 12, 100, 5, 3, 0.5), QUIET);
        assertTrue(!Arrays.equals(Files.readAllBytes(a.resolve("base.fvecs")),
                Files.readAllBytes(other.resolve("base.fvecs"))), "another seed gives other data");
    }

    @Test
    void shouldRefuseACacheDirectoryWrittenWithOtherParameters() throws IOException {
        ClusteredData.Spec spec = new ClusteredData.Spec(150, 8, 3, 5, 2, 0.3);
        Path dir = ClusteredData.ensure(tmp, spec, QUIET);
        Path params = dir.resolve(ClusteredData.PARAMS_FILE);
        Files.writeString(params, Files.readString(params).replace("groundTruthK=100", "groundTruthK=10"));
        IOException e = assertThrows(IOException.class, () -> ClusteredData.ensure(tmp, spec, QUIET));
        assertEquals(params + ": groundTruthK is 10, expected 100; delete " + dir + " and run again", e.getMessage());
    }

    @Test
    void shouldRejectAnInvalidSpecNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClusteredData.Spec(10, 0, 1, 5, 2, 0.3));
        assertEquals("dimension must be between 1 and 65536, got 0", e.getMessage());
    }
}
