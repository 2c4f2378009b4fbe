package org.vxdb.coordinator.topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.vxdb.api.IdHashing;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.config.YamlDocument;

/**
 * Where every cluster lives: the storage nodes and, for each range of clusters, the nodes that hold
 * its replicas, primary first. Read from a static YAML file (docs/configuration.md) and validated
 * completely when read: every cluster is in exactly one range and every range has
 * {@code replication_factor} distinct known nodes. The coordinator keeps no other placement state.
 * Immutable; equal to another topology with the same content, whatever order its nodes are listed in.
 */
public final class Topology {

    public static final int TOTAL_CLUSTERS_MAX = 65_536;

    private final int totalClusters;
    private final int replicationFactor;
    private final List<NodeInfo> nodes;
    private final Map<String, NodeInfo> nodesById;
    private final List<ClusterRange> ranges;
    /** The range of each cluster, so that routing a write is an array read. */
    private final ClusterRange[] rangeByCluster;

    /** From parts {@link TopologyReader} has validated. */
    Topology(int totalClusters, int replicationFactor, List<NodeInfo> nodes, List<ClusterRange> ranges) {
        this.totalClusters = totalClusters;
        this.replicationFactor = replicationFactor;
        this.nodes = List.copyOf(nodes);
        this.nodesById = new LinkedHashMap<>();
        nodes.forEach(node -> nodesById.put(node.id(), node));
        this.ranges = ranges.stream().sorted(Comparator.comparingInt(ClusterRange::first)).toList();
        this.rangeByCluster = new ClusterRange[totalClusters];
        this.ranges.forEach(range -> Arrays.fill(rangeByCluster, range.first(), range.last() + 1, range));
    }

    /**
     * Reads and validates a topology file.
     *
     * @throws ConfigException {@code <file>: <field>: <reason>}, or {@code <file>: <reason>} when
     *                             the file cannot be read or is not valid YAML
     */
    public static Topology load(Path file) {
        return YamlDocument.load(file, (yaml, dir) -> parse(yaml));
    }

    /**
     * Reads and validates a topology document.
     *
     * @throws ConfigException {@code <field>: <reason>}
     */
    public static Topology parse(String yaml) {
        return TopologyReader.read(YamlDocument.read(Objects.requireNonNull(yaml, "yaml")));
    }

    public int totalClusters() {
        return totalClusters;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** In the order of the file. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    public Optional<NodeInfo> node(String id) {
        return Optional.ofNullable(nodesById.get(id));
    }

    /** Sorted by first cluster; together they hold every cluster exactly once. */
    public List<ClusterRange> ranges() {
        return ranges;
    }

    /** The cluster of a vector id: {@link IdHashing#bucketOf} among {@link #totalClusters()}. */
    public int clusterOf(long id) {
        return IdHashing.bucketOf(id, totalClusters);
    }

    public ClusterRange rangeOf(int cluster) {
        if (cluster < 0 || cluster >= totalClusters) {
            throw new IllegalArgumentException("cluster " + cluster + " is outside [0, " + totalClusters + ")");
        }
        return rangeByCluster[cluster];
    }

    /** The nodes holding {@code cluster}, primary first. */
    public List<NodeInfo> replicas(int cluster) {
        return rangeOf(cluster).replicas();
    }

    /** The clusters {@code nodeId} holds a replica of, ascending; empty for a node not in the topology. */
    public int[] clustersOf(String nodeId) {
        return ranges.stream()
                .filter(range -> range.replicas().stream().anyMatch(node -> node.id().equals(nodeId)))
                .flatMapToInt(range -> IntStream.rangeClosed(range.first(), range.last()))
                .toArray();
    }

    /** One line for logs: {@code 12 clusters, RF 2, 3 nodes, 3 ranges}. */
    public String summary() {
        return count(totalClusters, "cluster") + ", RF " + replicationFactor + ", " + count(nodes.size(), "node")
                + ", " + count(ranges.size(), "range");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * What changes from this topology to {@code newer}, for the reload log:
     * {@code node-3 address 127.0.0.1:7103 -> 10.0.0.3:7103; clusters 4-7: replicas node-3, node-1 -> node-3, node-2}.
     * Empty when the two are equal.
     */
    public String diff(Topology newer) {
        List<String> changes = new ArrayList<>();
        changed(changes, "total_clusters", totalClusters, newer.totalClusters);
        changed(changes, "replication_factor", replicationFactor, newer.replicationFactor);
        nodeChanges(changes, newer);
        rangeChanges(changes, newer);
        return String.join("; ", changes);
    }

    private static void changed(List<String> changes, String field, int older, int newer) {
        if (older != newer) {
            changes.add(field + " " + older + " -> " + newer);
        }
    }

    private void nodeChanges(List<String> changes, Topology newer) {
        for (NodeInfo node : nodes) {
            NodeInfo now = newer.nodesById.get(node.id());
            if (now == null) {
                changes.add(node.id() + " removed");
            } else if (!now.address().equals(node.address())) {
                changes.add(node.id() + " address " + node.address() + " -> " + now.address());
            }
        }
        newer.nodes.stream()
                .filter(node -> !nodesById.containsKey(node.id()))
                .forEach(node -> changes.add(node.id() + " added at " + node.address()));
    }

    /**
     * A range with the same bounds in both is reported by its replicas; ranges split, merged or
     * moved are reported as the old ranges and the new ones that took their place.
     */
    private void rangeChanges(List<String> changes, Topology newer) {
        Map<String, ClusterRange> newerByLabel = new LinkedHashMap<>();
        newer.ranges.forEach(range -> newerByLabel.put(range.label(), range));
        List<ClusterRange> gone = new ArrayList<>();
        for (ClusterRange range : ranges) {
            ClusterRange now = newerByLabel.remove(range.label());
            if (now == null) {
                gone.add(range);
            } else if (!now.replicaIds().equals(range.replicaIds())) {
                changes.add(range.label() + ": replicas " + range.replicaIds() + " -> " + now.replicaIds());
            }
        }
        if (!gone.isEmpty() || !newerByLabel.isEmpty()) {
            changes.add("ranges " + joined(gone) + " -> " + joined(newerByLabel.values()));
        }
    }

    private static String joined(Collection<ClusterRange> ranges) {
        return ranges.isEmpty() ? "none" : String.join(", ", ranges.stream().map(ClusterRange::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology other
                && totalClusters == other.totalClusters
                && replicationFactor == other.replicationFactor
                && nodesById.equals(other.nodesById)
                && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(totalClusters, replicationFactor, nodesById, ranges);
    }

    @Override
    public String toString() {
        return summary() + ": " + ranges;
    }
}
