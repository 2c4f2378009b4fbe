package org.vxdb.bench.load;

import java.util.Locale;
import org.vxdb.index.Metric;
import org.vxdb.vecs.Dataset;

/**
 * Checks that a dataset's ground-truth distances are in the units the tie-aware recall compares
 * them in (L2: plain, not squared; cosine: 1 - cos; inner product: minus the dot product), by
 * recomputing the distance of each checked query to its listed neighbours from the vectors. A file
 * in other units would make every returned id look like a tie (recall 1.0 whatever the index did),
 * so it is refused with the reason.
 */
final class GroundTruthCheck {

    /** Queries checked (from the first), and listed neighbours per query. */
    static final int QUERIES = 20;
    static final int NEIGHBOURS = 3;
    private static final double RELATIVE = 1e-3;
    private static final double ABSOLUTE = 1e-4;

    private GroundTruthCheck() {
    }

    /** Throws IllegalArgumentException naming the first distance that does not match. */
    static void verify(Dataset ds, Metric metric) {
        float[][] file = ds.groundTruthDistances();
        if (file == null) {
            return; // ids only: recall counts exact id matches
        }
        int queries = Math.min(QUERIES, ds.queries().count());
        for (int q = 0; q < queries; q++) {
            float[] query = ds.queries().row(q);
            int neighbours = Math.min(NEIGHBOURS, Math.min(file[q].length, ds.groundTruth()[q].length));
            for (int j = 0; j < neighbours; j++) {
                int id = ds.groundTruth()[q][j];
                if (id < 0 || id >= ds.base().count()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: groundtruth.ivecs lists id %d for "
                            + "query %d, the base has %d rows", ds.name(), id, q, ds.base().count()));
                }
                double expected = distance(metric, query, ds.base().row(id));
                double stored = file[q][j];
                if (!close(stored, expected)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: groundtruth_dist.fvecs gives "
                            + "%.6g for query %d and id %d, but its %s distance recomputed from the vectors is %.6g%s; "
                            + "tie-aware recall needs %s", ds.name(), stored, q, id, name(metric), expected,
                            hint(metric, stored, expected), units(metric)));
                }
            }
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= ABSOLUTE + RELATIVE * Math.max(Math.abs(a), Math.abs(b));
    }

    private static String hint(Metric metric, double stored, double expected) {
        if (metric == Metric.L2 && close(stored, expected * expected)) {
            return " (the file holds squared L2 distances)";
        }
        if (metric == Metric.INNER_PRODUCT && close(stored, -expected)) {
            return " (the file holds dot products, not their negation)";
        }
        if (metric == Metric.COSINE && close(stored, 1 - expected)) {
            return " (the file holds cosine similarities, not 1 - cos)";
        }
        return " (is --metric right for this dataset?)";
    }

    private static String name(Metric metric) {
        return switch (metric) {
            case L2 -> "L2";
            case COSINE -> "cosine";
            case INNER_PRODUCT -> "inner-product";
        };
    }

    private static String units(Metric metric) {
        return switch (metric) {
            case L2 -> "plain (not squared) L2 distances";
            case COSINE -> "cosine distances (1 - cos)";
            case INNER_PRODUCT -> "negated dot products";
        };
    }

    /** The distance in the ground truth's units, as {@link Distances#toTruthUnits} makes VxDB's answers. */
    static double distance(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            sq += d * d;
        }
        return switch (metric) {
            case L2 -> Math.sqrt(sq);
            case COSINE -> na == 0 || nb == 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
            case INNER_PRODUCT -> -dot;
        };
    }
}
