package org.vxdb.vecs;

/**
 * Recall@k against exact ground truth. Tie-aware when ground-truth distances are known: a returned
 * id counts as a hit when it is in the true top-k, or when its true distance is no larger than the
 * k-th true distance (another vector at exactly that distance is an equally correct answer).
 */
public final class Recall {

    private Recall() {
    }

    /**
     * @param found          ids returned for one query, closest first ({@code -1} = none)
     * @param foundDistances distances of {@code found} in the ground truth's units (may be null)
     * @param truth          exact ids, closest first
     * @param truthDistances exact distances (may be null: plain id-set recall)
     * @param tolerance      relative tolerance for distance ties
     * @return hits among the first k returned ids
     */
    public static int hits(long[] found, float[] foundDistances, int[] truth, float[] truthDistances, int k,
                           double tolerance) {
        if (truth.length < k) {
            throw new IllegalArgumentException("ground truth has " + truth.length + " ids per query, fewer than k=" + k);
        }
        int hits = 0;
        for (int i = 0; i < Math.min(k, found.length); i++) {
            long id = found[i];
            if (id < 0) {
                continue;
            }
            if (contains(truth, k, id)) {
                hits++;
            } else if (truthDistances != null && foundDistances != null) {
                double kth = truthDistances[k - 1];
                if (foundDistances[i] <= kth + tolerance * Math.max(1.0, Math.abs(kth))) {
                    hits++;
                }
            }
        }
        return hits;
    }

    private static boolean contains(int[] truth, int k, long id) {
        for (int i = 0; i < k; i++) {
            if (truth[i] == id) {
                return true;
            }
        }
        return false;
    }
}
