package org.vxdb.coordinator.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.node.NodeProcess;

/**
 * A cluster of storage node processes of any size for the backup ITs: {@code dir/topology.yaml}
 * and {@code dir/coordinator.yaml} name them, and a coordinator can be started in front of them.
 */
final class BackupCluster implements AutoCloseable {

    static final int CLUSTERS = 12;
    static final String NODE_YAML = "collection_defaults:\n  buffer_rows: 200\n";

    final Path dir;
    final List<String> ids;
    final List<NodeProcess> nodes = new ArrayList<>();
    Coordinator coordinator;

    private BackupCluster(Path dir, List<String> ids) {
        this.dir = dir;
        this.ids = ids;
    }

    /** Starts {@code ids.size()} nodes and writes the configs with {@code ranges} (YAML list items) and {@code rf}. */
    static BackupCluster start(Path dir, List<String> ids, int rf, String ranges) throws Exception {
        BackupCluster c = new BackupCluster(dir, ids);
        try {
            for (String id : ids) {
                c.nodes.add(NodeProcess.start(dir.resolve(id), dir.resolve(id + "/data"), NODE_YAML));
            }
            for (NodeProcess n : c.nodes) {
                n.awaitReady();
            }
            StringBuilder nodes = new StringBuilder();
            for (int i = 0; i < ids.size(); i++) {
                nodes.append("  - {id: ").append(ids.get(i)).append(", address: \"127.0.0.1:")
                        .append(c.nodes.get(i).grpcPort).append("\"}\n");
            }
            Files.writeString(dir.resolve("topology.yaml"), "total_clusters: " + CLUSTERS + "\nreplication_factor: "
                    + rf + "\nnodes:\n" + nodes + "ranges:\n" + ranges);
            Files.writeString(dir.resolve("coordinator.yaml"), """
                    coordinator_id: backup-it
                    grpc:
                      listen: 127.0.0.1:0
                    http:
                      listen: 127.0.0.1:0
                    topology:
                      file: topology.yaml
                      reload_interval: 0s
                    write:
                      hint_replay_interval: 1h
                    repair:
                      interval: 0s
                      buckets: 64
                    nodes:
                      call_timeout: 6s
                    """);
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    Path config() {
        return dir.resolve("coordinator.yaml");
    }

    Coordinator startCoordinator() throws Exception {
        coordinator = Coordinator.start(CoordinatorConfig.load(config()));
        return coordinator;
    }

    NodeProcess node(String id) {
        return nodes.get(ids.indexOf(id));
    }

    @Override
    public void close() {
        if (coordinator != null) {
            coordinator.close();
        }
        nodes.forEach(NodeProcess::close);
    }
}
