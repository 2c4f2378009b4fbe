package org.vxdb.coordinator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.node.NodeProcess;

/**
 * Three storage node processes (ids node-1..node-3, 12 clusters) and an in-process coordinator in
 * front of them, for the ITs that kill and restart nodes: {@code ClusterIT}, {@code ConsistencyIT},
 * {@code DashboardIT}. Each IT keeps its own node list and coordinator; this writes the configs.
 */
public final class ProcessCluster {

    public static final int CLUSTERS = 12;
    /** RF 2, laid out as the local cluster (ops/config/local/topology.yaml). */
    public static final String RF2_RANGES = """
              - {clusters: 0-3, replicas: [node-1, node-2]}
              - {clusters: 4-7, replicas: [node-3, node-1]}
              - {clusters: 8-11, replicas: [node-2, node-3]}
            """;
    /** RF 3: every range on every node. */
    public static final String RF3_RANGES = """
              - {clusters: 0-11, replicas: [node-1, node-2, node-3]}
            """;

    private ProcessCluster() {
    }

    /** Starts three nodes under {@code dir/node-N} with {@code nodeYaml} added to each config; waits until ready. */
    public static void startNodes(Path dir, String nodeYaml, List<NodeProcess> into) throws Exception {
        for (int i = 1; i <= 3; i++) {
            into.add(NodeProcess.start(dir.resolve("node-" + i), dir.resolve("node-" + i + "/data"), nodeYaml));
        }
        for (NodeProcess n : into) {
            n.awaitReady();
        }
    }

    /**
     * Writes {@code dir/topology.yaml} ({@code rf}, {@code ranges}) and {@code dir/coordinator.yaml}
     * (every listener on a free port, no topology reload, then {@code coordinatorYaml}) and starts
     * the coordinator.
     */
    public static Coordinator startCoordinator(Path dir, List<NodeProcess> nodes, int rf, String ranges,
                                               String coordinatorId, String coordinatorYaml) throws IOException {
        Files.writeString(dir.resolve("topology.yaml"), """
                total_clusters: %d
                replication_factor: %d
                nodes:
                  - {id: node-1, address: "127.0.0.1:%d"}
                  - {id: node-2, address: "127.0.0.1:%d"}
                  - {id: node-3, address: "127.0.0.1:%d"}
                ranges:
                %s""".formatted(CLUSTERS, rf, nodes.get(0).grpcPort, nodes.get(1).grpcPort, nodes.get(2).grpcPort,
                ranges));
        Files.writeString(dir.resolve("coordinator.yaml"), """
                coordinator_id: %s
                grpc:
                  listen: 127.0.0.1:0
                http:
                  listen: 127.0.0.1:0
                rest:
                  listen: 127.0.0.1:0
                resp:
                  listen: 127.0.0.1:0
                topology:
                  file: topology.yaml
                  reload_interval: 0s
                """.formatted(coordinatorId) + coordinatorYaml);
        return Coordinator.start(CoordinatorConfig.load(dir.resolve("coordinator.yaml")));
    }
}
