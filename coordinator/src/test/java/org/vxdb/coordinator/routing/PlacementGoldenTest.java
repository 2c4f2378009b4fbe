package org.vxdb.coordinator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.coordinator.topology.Topology;

/**
 * Where fixed ids live in the local topology (12 clusters, RF 2). If any of these changes, every
 * deployed cluster would look for existing vectors in the wrong place: a change here is a data
 * migration, never a refactoring. Clusters were computed independently with Python's xxhash:
 * {@code xxhash.xxh64(struct.pack('<q', id), seed=0).intdigest() % 12}.
 */
class PlacementGoldenTest {

    private static final Topology LOCAL = Topology.load(Path.of(System.getProperty("vxdb.project.dir", ".."), "ops",
            "config", "local", "topology.yaml"));

    private static List<String> replicasOf(long id) {
        return LOCAL.replicas(LOCAL.clusterOf(id)).stream().map(NodeInfo::id).toList();
    }

    @Test
    void shouldPlaceFixedIdsOnFixedClusters() {
        assertEquals(12, LOCAL.totalClusters());
        assertEquals(11, LOCAL.clusterOf(0));
        assertEquals(1, LOCAL.clusterOf(1));
        assertEquals(3, LOCAL.clusterOf(42));
        assertEquals(5, LOCAL.clusterOf(123_456_789L));
        assertEquals(9, LOCAL.clusterOf(-1));
    }

    @Test
    void shouldGiveFixedIdsTheirReplicasPrimaryFirst() {
        assertEquals(List.of("node-2", "node-3"), replicasOf(0));
        assertEquals(List.of("node-1", "node-2"), replicasOf(1));
        assertEquals(List.of("node-3", "node-1"), replicasOf(123_456_789L));
    }
}
