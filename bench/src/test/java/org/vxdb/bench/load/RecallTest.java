package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.vxdb.vecs.Dataset;
import org.vxdb.vecs.VectorSet;

/** Recall@k on a case small enough to check by hand. */
class RecallTest {

    private static Dataset dataset(float[][] truthDistances) {
        VectorSet none = new VectorSet(1, 2, MemorySegment.ofArray(new float[2]));
        int[][] truth = {{1, 3, 4}, {5, 6, 8}};
        return new Dataset("tiny", none, none, truth, truthDistances);
    }

    @Test
    void shouldCountIdsInTheTrueTopKAndTiesAtTheKthDistance() {
        // query 0: 1 is a hit, 2 is not (no tie); query 1: 5 is a hit, 7 lies exactly at the
        // 2nd true distance, so it is as correct an answer as 6.
        RecallWorkload.Answers a = new RecallWorkload.Answers(new long[][] {{1, 2}, {5, 7}},
                new float[][] {{0.5f, 2.5f}, {1.0f, 2.0f}});
        Dataset ds = dataset(new float[][] {{0.5f, 2.0f, 3.0f}, {1.0f, 2.0f, 4.0f}});
        assertEquals(0.75, RecallWorkload.recall(a, ds, 2));
    }

    @Test
    void shouldFallBackToIdSetsWithoutDistancesAndIgnoreMissingAnswers() {
        RecallWorkload.Answers a = new RecallWorkload.Answers(new long[][] {{3, 1, -1}, {7, 8, 6}},
                new float[][] {{1f, 1f, Float.NaN}, {1f, 1f, 1f}});
        Dataset ds = dataset(null);
        // query 0: 3 and 1 are in the top 3, -1 is no answer; query 1: 8 and 6 are, 7 is not.
        assertEquals(4 / 6.0, RecallWorkload.recall(a, ds, 3));
    }
}
