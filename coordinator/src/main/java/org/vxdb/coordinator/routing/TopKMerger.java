package org.vxdb.coordinator.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vxdb.api.v1.SearchHit;

/**
 * Merges the top-k lists of several nodes into the global top-k. An id can come back from more
 * than one node (replicas answering overlapping ranges after a failover, or a stale copy on a
 * node that missed an update): only its highest version counts, with that version's distance.
 * Ties in distance go to the lower id, as on the nodes.
 */
public final class TopKMerger {

    static final Comparator<SearchHit> NEAREST_FIRST = Comparator.comparingDouble(SearchHit::getDistance)
            .thenComparingLong(SearchHit::getId);

    private TopKMerger() {
    }

    public static List<SearchHit> merge(List<List<SearchHit>> perNode, int k) {
        Map<Long, SearchHit> newest = new HashMap<>();
        for (List<SearchHit> hits : perNode) {
            for (SearchHit h : hits) {
                newest.merge(h.getId(), h, (a, b) -> Long.compareUnsigned(b.getVersion(), a.getVersion()) > 0 ? b : a);
            }
        }
        List<SearchHit> all = new ArrayList<>(newest.values());
        all.sort(NEAREST_FIRST);
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }
}
