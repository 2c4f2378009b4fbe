package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vxdb.index.Metric;
import org.vxdb.vecs.Dataset;

/** The bench refuses ground-truth distances in units the tie-aware recall does not compare in. */
class GroundTruthCheckTest {

    private static Dataset load(String name, Arena arena) throws IOException {
        return Dataset.load(Path.of(System.getProperty("vxdb.shared.dir"), "data", name), arena);
    }

    @Test
    void shouldAcceptTheSharedDatasetsInTheirMetrics() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            GroundTruthCheck.verify(load("sift-5k", arena), Metric.L2);
            GroundTruthCheck.verify(load("mnist-10k", arena), Metric.L2);
            GroundTruthCheck.verify(load("glove-25d-12k", arena), Metric.COSINE);
        }
    }

    @Test
    void shouldRefuseSquaredL2Distances() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Dataset ds = load("sift-5k", arena);
            float[][] squared = new float[ds.groundTruthDistances().length][];
            for (int q = 0; q < squared.length; q++) {
                squared[q] = ds.groundTruthDistances()[q].clone();
                for (int j = 0; j < squared[q].length; j++) {
                    squared[q][j] *= squared[q][j];
                }
            }
            Dataset bad = new Dataset(ds.name(), ds.base(), ds.queries(), ds.groundTruth(), squared);
            assertEquals("sift-5k: groundtruth_dist.fvecs gives " + String.format(java.util.Locale.ROOT, "%.6g",
                    squared[0][0]) + " for query 0 and id " + ds.groundTruth()[0][0] + ", but its L2 distance "
                    + "recomputed from the vectors is " + String.format(java.util.Locale.ROOT, "%.6g",
                    ds.groundTruthDistances()[0][0]) + " (the file holds squared L2 distances); tie-aware recall "
                    + "needs plain (not squared) L2 distances",
                    assertThrows(IllegalArgumentException.class, () -> GroundTruthCheck.verify(bad, Metric.L2))
                            .getMessage());
        }
    }

    @Test
    void shouldRefuseADatasetReadWithTheWrongMetric() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GroundTruthCheck.verify(load("glove-25d-12k", arena), Metric.L2));
            assertEquals(true, e.getMessage().startsWith("glove-25d-12k: groundtruth_dist.fvecs gives "), e.getMessage());
            assertEquals(true, e.getMessage().endsWith(" (is --metric right for this dataset?); tie-aware recall "
                    + "needs plain (not squared) L2 distances"), e.getMessage());
        }
    }
}
