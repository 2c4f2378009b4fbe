package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.Recall;

/**
 * Exact search against the shipped ground truth (top-100, ties broken by lower id, with the exact
 * distances), with whichever provider this test run forces.
 */
class GroundTruthTest {

    private static final int K = 100;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sift-5k, l2", "mnist-10k, l2", "glove-25d-12k, cosine"})
    void shouldReproduceExactGroundTruth(String name, String metricName) throws Exception {
        Metric metric = Metric.parse(metricName);
        try (Arena arena = Arena.ofConfined()) {
            Dataset ds = TestData.dataset(name, arena);
            try (VectorIndex index = TestData.provider().create(IndexSpec.flat(ds.base().dimension(), metric))) {
                index.add(TestData.sequentialIds(ds.base().count(), 0, arena), ds.base().data());
                assertEquals(ds.base().count(), index.count());
                SearchResults r = index.search(ds.queries().data(), K, SearchParams.DEFAULT, arena);
                for (int q = 0; q < r.queries(); q++) {
                    float[] truthDist = ds.groundTruthDistances()[q];
                    float[] dist = toGroundTruthUnits(r.distancesOf(q), metric);
                    long[] ids = r.idsOf(q);
                    for (int rank = 0; rank < K; rank++) {
                        double tolerance = metric == Metric.L2 ? 1e-4 * Math.max(1, truthDist[rank]) : 2e-5;
                        int query = q;
                        int at = rank;
                        assertEquals(truthDist[rank], dist[rank], tolerance,
                                () -> name + " query " + query + " rank " + at + " distance");
                        if (ids[rank] != ds.groundTruth()[q][rank]) {
                            // Only a tie may reorder: the ground truth holds an equally distant id there.
                            assertTrue(isTie(truthDist, rank, tolerance), name + " query " + q + " rank " + rank
                                    + ": got id " + ids[rank] + ", expected " + ds.groundTruth()[q][rank]);
                        }
                    }
                    assertEquals(K, Recall.hits(ids, dist, ds.groundTruth()[q], truthDist, K, 1e-4),
                            name + " query " + q + " tie-aware recall@100");
                }
            }
        }
    }

    @Test
    void shouldRankByNegatedInnerProduct() {
        int dim = 17;
        int n = 500;
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.flat(dim, Metric.INNER_PRODUCT))) {
            float[] base = TestData.randomFloats(n * dim, 7);
            index.add(TestData.sequentialIds(n, 1000, arena), TestData.floats(arena, base));
            float[] query = TestData.randomFloats(dim, 8);
            SearchResults r = index.search(TestData.floats(arena, query), 5, SearchParams.DEFAULT, arena);
            double[] dots = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    dots[i] += (double) base[i * dim + j] * query[j];
                }
            }
            for (int rank = 0; rank < 5; rank++) {
                int best = -1;
                for (int i = 0; i < n; i++) {
                    if (dots[i] != Double.NEGATIVE_INFINITY && (best < 0 || dots[i] > dots[best])) {
                        best = i;
                    }
                }
                assertEquals(1000 + best, r.id(0, rank));
                assertEquals(-dots[best], r.distance(0, rank), 1e-4);
                dots[best] = Double.NEGATIVE_INFINITY;
            }
        }
    }

    @Test
    void shouldPadWhenFewerVectorsThanK() {
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.flat(4, Metric.L2))) {
            index.add(TestData.longs(arena, 42, 43), TestData.floats(arena, 0, 0, 0, 0, 1, 1, 1, 1));
            SearchResults r = index.search(TestData.floats(arena, 0, 0, 0, 0.5f), 4, SearchParams.DEFAULT, arena);
            assertEquals(2, r.found(0));
            assertEquals(42, r.id(0, 0));
            assertEquals(0.25f, r.distance(0, 0), 1e-6);
            assertEquals(43, r.id(0, 1));
            assertEquals(SearchResults.NO_ID, r.id(0, 2));
            assertEquals(Float.POSITIVE_INFINITY, r.distance(0, 3));
        }
    }

    @Test
    void shouldGiveCosineDistanceIndependentOfVectorLength() {
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.flat(3, Metric.COSINE))) {
            index.add(TestData.longs(arena, 1, 2, 3),
                    TestData.floats(arena, 10, 0, 0, 0, 0.1f, 0, 1, 1, 0));
            SearchResults r = index.search(TestData.floats(arena, 3, 0, 0), 3, SearchParams.DEFAULT, arena);
            assertEquals(1, r.id(0, 0));
            assertEquals(0f, r.distance(0, 0), 1e-6);
            assertEquals(3, r.id(0, 1));
            assertEquals(1 - Math.sqrt(0.5), r.distance(0, 1), 1e-6);
            assertEquals(2, r.id(0, 2));
            assertEquals(1f, r.distance(0, 2), 1e-6);
        }
    }

    @Test
    void shouldAnswerManyQueriesLikeOneAtATime() {
        int dim = 32;
        try (Arena arena = Arena.ofConfined();
             VectorIndex index = TestData.provider().create(IndexSpec.flat(dim, Metric.L2))) {
            index.add(TestData.sequentialIds(2000, 0, arena), TestData.randomVectors(2000, dim, 3, arena));
            java.lang.foreign.MemorySegment queries = TestData.randomVectors(20, dim, 4, arena);
            SearchResults all = index.search(queries, 10, SearchParams.DEFAULT, arena);
            for (int q = 0; q < 20; q++) {
                SearchResults one = index.search(queries.asSlice((long) q * dim * 4, dim * 4L), 10,
                        SearchParams.DEFAULT, arena);
                assertEquals(Arrays.toString(one.idsOf(0)), Arrays.toString(all.idsOf(q)));
            }
        }
    }

    static float[] toGroundTruthUnits(float[] distances, Metric metric) {
        float[] out = distances.clone();
        if (metric == Metric.L2) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) Math.sqrt(out[i]);
            }
        }
        return out;
    }

    private static boolean isTie(float[] truthDist, int rank, double tolerance) {
        return (rank > 0 && Math.abs(truthDist[rank] - truthDist[rank - 1]) <= tolerance)
                || (rank + 1 < truthDist.length && Math.abs(truthDist[rank] - truthDist[rank + 1]) <= tolerance);
    }
}
