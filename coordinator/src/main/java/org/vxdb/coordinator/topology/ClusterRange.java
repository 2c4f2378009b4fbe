package org.vxdb.coordinator.topology;

import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Consecutive clusters {@code first..last} (both included) and the nodes that hold a replica of each.
 *
 * @param replicas primary first; distinct nodes
 */
public record ClusterRange(int first, int last, List<NodeInfo> replicas) {

    public ClusterRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("clusters " + first + "-" + last + ": use 0 <= first <= last");
        }
        replicas = List.copyOf(replicas);
        if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
            throw new IllegalArgumentException(label() + ": replicas must be distinct nodes, at least one: "
                    + replicas);
        }
    }

    public boolean contains(int cluster) {
        return cluster >= first && cluster <= last;
    }

    /** {@code 0-3}, or {@code 5} for a range of one: the range's clusters alone. */
    public String span() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }

    /** {@code clusters 0-3}, or {@code cluster 5} for a range of one. */
    public String label() {
        return first == last ? "cluster " + first : "clusters " + first + "-" + last;
    }

    /** {@code node-1, node-2}: the replicas' ids, primary first. */
    String replicaIds() {
        return replicas.stream().map(NodeInfo::id).collect(Collectors.joining(", "));
    }

    /** {@code clusters 0-3 (node-1, node-2)}. */
    @Override
    public String toString() {
        return label() + " (" + replicaIds() + ")";
    }
}
