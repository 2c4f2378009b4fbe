package org.vxdb.bench.load;

import org.vxdb.index.Metric;

/** Turns the distances VxDB answers with into the ground truth's units. */
final class Distances {

    private Distances() {
    }

    /** L2: VxDB answers squared distances, the ground truth holds plain ones; cosine (1 - cos) and IP as they are. */
    static float toTruthUnits(Metric metric, float distance) {
        return metric == Metric.L2 ? (float) Math.sqrt(distance) : distance;
    }
}
