package org.vxdb.vecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Recall on hand-checked cases. */
class RecallTest {

    private static final int[] TRUTH = {4, 8, 15, 16, 23};
    private static final float[] TRUTH_DIST = {1f, 2f, 3f, 3f, 5f};

    @Test
    void shouldCountIdsInTheTrueTopK() {
        assertEquals(3, Recall.hits(new long[] {15, 4, 8}, null, TRUTH, null, 3, 0));
        assertEquals(2, Recall.hits(new long[] {4, 8, 99}, null, TRUTH, null, 3, 0));
        assertEquals(2, Recall.hits(new long[] {4, 99, 15}, null, TRUTH, null, 3, 0));
        assertEquals(0, Recall.hits(new long[] {-1, -1, -1}, null, TRUTH, null, 3, 0));
    }

    @Test
    void shouldCountAnEquallyDistantIdAsAHit() {
        // k=3: the 3rd true distance is 3; id 16 also sits at 3, so returning it instead of 15 is exact.
        assertEquals(3, Recall.hits(new long[] {4, 8, 16}, new float[] {1f, 2f, 3f}, TRUTH, TRUTH_DIST, 3, 0));
        // id 42 at 3.5 is farther than the 3rd true distance: a miss.
        assertEquals(2, Recall.hits(new long[] {4, 8, 42}, new float[] {1f, 2f, 3.5f}, TRUTH, TRUTH_DIST, 3, 0));
        // within relative tolerance
        assertEquals(3, Recall.hits(new long[] {4, 8, 42}, new float[] {1f, 2f, 3.0000001f}, TRUTH, TRUTH_DIST, 3, 1e-5));
    }

    @Test
    void shouldRefuseKLargerThanTheGroundTruth() {
        assertEquals("ground truth has 5 ids per query, fewer than k=10", assertThrows(IllegalArgumentException.class,
                () -> Recall.hits(new long[10], null, TRUTH, null, 10, 0)).getMessage());
    }
}
