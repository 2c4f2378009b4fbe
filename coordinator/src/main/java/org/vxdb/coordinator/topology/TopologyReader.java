package org.vxdb.coordinator.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;
import org.vxdb.service.config.HostAndPort;
import tools.jackson.databind.JsonNode;

/**
 * Turns a topology tree into a {@link Topology}, checking every rule once, in the order the fields are
 * documented except that the nodes come before {@code replication_factor}, whose limit they set. Each
 * error names the offending entry: {@code ranges[2].clusters: cluster 5 is also in ranges[1]}.
 */
final class TopologyReader {

    private static final String CLUSTERS_EXPECTED = "use first-last with first <= last, or one cluster number";
    private static final Pattern CLUSTERS = Pattern.compile("(\\d{1,18})(?:\\s*-\\s*(\\d{1,18}))?");

    private final int totalClusters;
    private final int replicationFactor;
    private final Map<String, NodeInfo> nodesById;
    /** For each cluster, the index of the range entry that claimed it, or -1. */
    private final int[] claimedBy;

    private TopologyReader(int totalClusters, int replicationFactor, Map<String, NodeInfo> nodesById) {
        this.totalClusters = totalClusters;
        this.replicationFactor = replicationFactor;
        this.nodesById = nodesById;
        this.claimedBy = new int[totalClusters];
        Arrays.fill(claimedBy, -1);
    }

    static Topology read(JsonNode tree) {
        ConfigSection root = ConfigSection.root(tree, "total_clusters", "replication_factor", "nodes", "ranges");
        int totalClusters = (int) root.value("total_clusters").required()
                .integer(0, 1, Topology.TOTAL_CLUSTERS_MAX);
        Map<String, NodeInfo> nodes = nodes(root.value("nodes"));
        int replicationFactor = (int) root.value("replication_factor").required()
                .integer(0, 1, nodes.size(), "the number of nodes");
        List<ClusterRange> ranges = new TopologyReader(totalClusters, replicationFactor, nodes)
                .ranges(root.value("ranges"));
        return new Topology(totalClusters, replicationFactor, List.copyOf(nodes.values()), ranges);
    }

    /** In file order, by id. */
    private static Map<String, NodeInfo> nodes(ConfigValue value) {
        List<ConfigValue> entries = value.strictList();
        if (entries.isEmpty()) {
            throw value.invalid("at least one node is required");
        }
        Map<String, NodeInfo> nodes = new LinkedHashMap<>();
        Map<String, String> idsSeen = new HashMap<>();
        Map<HostAndPort, String> addressesSeen = new HashMap<>();
        for (ConfigValue entry : entries) {
            ConfigSection node = ConfigSection.of(entry, "id", "address");
            ConfigValue id = node.value("id");
            String nodeId = unique(id, id.identifier(), idsSeen, entry.path());
            ConfigValue address = node.value("address");
            HostAndPort nodeAddress = unique(address, callableAddress(address), addressesSeen, entry.path());
            nodes.put(nodeId, new NodeInfo(nodeId, nodeAddress));
        }
        return nodes;
    }

    private static HostAndPort callableAddress(ConfigValue value) {
        HostAndPort address = value.required().address(null);
        if (address.port() == 0) {
            // 0 means "any free port" to a server; nobody can call it.
            throw value.invalid(address + " is invalid: give the node's port");
        }
        return address;
    }

    /** {@code key}, unless an earlier entry used it: {@code 'node-1' is used twice (also nodes[0])}. */
    private static <K> K unique(ConfigValue value, K key, Map<K, String> seen, String entryPath) {
        String earlier = seen.putIfAbsent(key, entryPath);
        if (earlier != null) {
            String shown = key instanceof String ? "'" + key + "'" : key.toString();
            throw value.invalid(shown + " is used twice (also " + earlier + ")");
        }
        return key;
    }

    private List<ClusterRange> ranges(ConfigValue value) {
        List<ConfigValue> entries = value.strictList();
        List<ClusterRange> ranges = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            ConfigSection entry = ConfigSection.of(entries.get(i), "clusters", "replicas");
            ConfigValue clusters = entry.value("clusters");
            int[] bounds = bounds(clusters);
            claim(clusters, bounds, i, entries);
            ranges.add(new ClusterRange(bounds[0], bounds[1], replicas(entry.value("replicas"))));
        }
        checkEveryClusterClaimed(value);
        return ranges;
    }

    /** {@code [first, last]} of {@code 0-3}, {@code "5"} or {@code 5}, inside {@code [0, total_clusters)}. */
    private int[] bounds(ConfigValue value) {
        JsonNode node = value.required().node();
        if (node.isIntegralNumber()) {
            long cluster = node.canConvertToLong() ? node.longValue() : Long.MAX_VALUE;
            return inside(value, node.asString(), cluster, cluster);
        }
        if (!node.isString()) {
            throw value.wrongType("first-last or one cluster number");
        }
        Matcher m = CLUSTERS.matcher(node.stringValue().strip());
        long first = m.matches() ? Long.parseLong(m.group(1)) : -1;
        long last = m.matches() && m.group(2) != null ? Long.parseLong(m.group(2)) : first;
        if (first < 0 || last < first) {
            throw value.invalid("'" + node.stringValue() + "' is invalid: " + CLUSTERS_EXPECTED);
        }
        return inside(value, first == last ? Long.toString(first) : first + "-" + last, first, last);
    }

    private int[] inside(ConfigValue value, String shown, long first, long last) {
        if (first < 0 || last >= totalClusters) {
            throw value.invalid(shown + " is outside [0, " + totalClusters + ")");
        }
        return new int[] {(int) first, (int) last};
    }

    private void claim(ConfigValue clusters, int[] bounds, int entry, List<ConfigValue> entries) {
        for (int cluster = bounds[0]; cluster <= bounds[1]; cluster++) {
            if (claimedBy[cluster] >= 0) {
                throw clusters.invalid("cluster " + cluster + " is also in " + entries.get(claimedBy[cluster]).path());
            }
            claimedBy[cluster] = entry;
        }
    }

    /** Reports the first run of clusters no range claimed: {@code clusters 8-9 are in no range}. */
    private void checkEveryClusterClaimed(ConfigValue ranges) {
        int first = 0;
        while (first < totalClusters && claimedBy[first] >= 0) {
            first++;
        }
        if (first == totalClusters) {
            return;
        }
        int last = first;
        while (last + 1 < totalClusters && claimedBy[last + 1] < 0) {
            last++;
        }
        throw ranges.invalid(first == last
                ? "cluster " + first + " is in no range"
                : "clusters " + first + "-" + last + " are in no range");
    }

    private List<NodeInfo> replicas(ConfigValue value) {
        List<NodeInfo> replicas = new ArrayList<>();
        for (ConfigValue entry : value.required().strictList()) {
            String id = entry.required().string(null);
            NodeInfo node = nodesById.get(id);
            if (node == null) {
                throw entry.invalid("unknown node '" + id + "' (nodes: " + String.join(", ", nodesById.keySet()) + ")");
            }
            if (replicas.contains(node)) {
                throw value.invalid(id + " is listed twice");
            }
            replicas.add(node);
        }
        if (replicas.size() != replicationFactor) {
            throw value.invalid("has " + replicas.size() + (replicas.size() == 1 ? " node" : " nodes")
                    + "; replication_factor is " + replicationFactor);
        }
        return replicas;
    }
}
