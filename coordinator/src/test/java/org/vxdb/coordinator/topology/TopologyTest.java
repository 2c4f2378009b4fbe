package org.vxdb.coordinator.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.service.config.ConfigTesting.assertConfigError;
import static org.vxdb.service.config.ConfigTesting.repoFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vxdb.api.IdHashing;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.config.HostAndPort;

class TopologyTest {

    static final String NODES = """
            nodes:
              - id: node-1
                address: 127.0.0.1:7101
              - id: node-2
                address: 127.0.0.1:7102
              - id: node-3
                address: 127.0.0.1:7103
            """;
    static final String RANGES = """
            ranges:
              - clusters: 0-3
                replicas: [node-1, node-2]
              - clusters: 4-7
                replicas: [node-3, node-1]
              - clusters: 8-11
                replicas: [node-2, node-3]
            """;
    /** The topology of ops/config/local/topology.yaml. */
    static final String LOCAL = "total_clusters: 12\nreplication_factor: 2\n" + NODES + RANGES;

    private static final NodeInfo NODE_1 = new NodeInfo("node-1", new HostAndPort("127.0.0.1", 7101));
    private static final NodeInfo NODE_2 = new NodeInfo("node-2", new HostAndPort("127.0.0.1", 7102));
    private static final NodeInfo NODE_3 = new NodeInfo("node-3", new HostAndPort("127.0.0.1", 7103));

    @TempDir
    Path tmp;

    // ---- reading

    @Test
    void shouldReadNodesAndRangesWithPrimaryFirst() {
        Topology topology = Topology.parse(LOCAL);
        assertEquals(12, topology.totalClusters());
        assertEquals(2, topology.replicationFactor());
        assertEquals(List.of(NODE_1, NODE_2, NODE_3), topology.nodes());
        assertEquals(List.of(new ClusterRange(0, 3, List.of(NODE_1, NODE_2)),
                new ClusterRange(4, 7, List.of(NODE_3, NODE_1)),
                new ClusterRange(8, 11, List.of(NODE_2, NODE_3))), topology.ranges());
        assertEquals(Optional.of(NODE_2), topology.node("node-2"));
        assertEquals(Optional.empty(), topology.node("node-9"));
    }

    @Test
    void shouldFindTheRangeAndReplicasOfEveryCluster() {
        Topology topology = Topology.parse(LOCAL);
        for (int cluster = 0; cluster < 12; cluster++) {
            ClusterRange range = topology.rangeOf(cluster);
            assertTrue(range.contains(cluster));
            assertEquals(range.replicas(), topology.replicas(cluster));
        }
        assertEquals(List.of(NODE_3, NODE_1), topology.replicas(7));
        assertEquals(List.of(NODE_2, NODE_3), topology.replicas(8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> topology.rangeOf(12));
        assertEquals("cluster 12 is outside [0, 12)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> topology.replicas(-1));
    }

    @Test
    void shouldListTheClustersEachNodeHoldsInAscendingOrder() {
        Topology topology = Topology.parse(LOCAL);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, topology.clustersOf("node-1"));
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 9, 10, 11}, topology.clustersOf("node-2"));
        assertArrayEquals(new int[] {4, 5, 6, 7, 8, 9, 10, 11}, topology.clustersOf("node-3"));
        assertArrayEquals(new int[0], topology.clustersOf("node-9"));
    }

    @Test
    void shouldRouteAnIdByItsHashAmongTheClusters() {
        Topology topology = Topology.parse(LOCAL);
        for (long id = -5; id < 50; id++) {
            assertEquals(IdHashing.bucketOf(id, 12), topology.clusterOf(id));
        }
    }

    @Test
    void shouldSortRangesAndAcceptSingleClusters() {
        Topology topology = Topology.parse("""
                total_clusters: 4
                replication_factor: 1
                nodes: [{id: a, address: "h:1"}]
                ranges:
                  - {clusters: 3, replicas: [a]}
                  - {clusters: "1 - 2", replicas: [a]}
                  - {clusters: "0", replicas: [a]}
                """);
        List<ClusterRange> ranges = topology.ranges();
        assertEquals(List.of(0, 1, 3), ranges.stream().map(ClusterRange::first).toList());
        assertEquals(List.of(0, 2, 3), ranges.stream().map(ClusterRange::last).toList());
        assertEquals("cluster 3", topology.rangeOf(3).label());
        assertEquals("clusters 1-2", topology.rangeOf(2).label());
        assertEquals("cluster 0 (a)", topology.rangeOf(0).toString());
        assertEquals("4 clusters, RF 1, 1 node, 3 ranges", topology.summary());
    }

    @Test
    void shouldDescribeRangesAndTheTopologyInOneLine() {
        Topology topology = Topology.parse(LOCAL);
        assertEquals("clusters 0-3 (node-1, node-2)", topology.rangeOf(0).toString());
        assertEquals("clusters 4-7", topology.rangeOf(5).label());
        assertEquals("12 clusters, RF 2, 3 nodes, 3 ranges", topology.summary());
        assertEquals("1 cluster, RF 1, 1 node, 1 range", Topology.parse("""
                total_clusters: 1
                replication_factor: 1
                nodes: [{id: a, address: "h:1"}]
                ranges: [{clusters: 0, replicas: [a]}]
                """).summary());
    }

    @Test
    void shouldBeEqualByContentWhateverTheOrderOfNodesAndRanges() {
        Topology topology = Topology.parse(LOCAL);
        String reordered = LOCAL
                .replace("  - id: node-1\n    address: 127.0.0.1:7101\n", "")
                .replace("    address: 127.0.0.1:7103\n", "    address: 127.0.0.1:7103\n  - id: node-1\n"
                        + "    address: 127.0.0.1:7101\n")
                .replace("  - clusters: 0-3\n    replicas: [node-1, node-2]\n", "")
                + "  - clusters: 0-3\n    replicas: [node-1, node-2]\n";
        Topology other = Topology.parse("# a comment\n" + reordered);
        assertEquals("node-2", other.nodes().getFirst().id());
        assertEquals(topology, other);
        assertEquals(topology.hashCode(), other.hashCode());
        assertEquals("", topology.diff(other));
        assertNotEquals(topology, Topology.parse(LOCAL.replace("[node-1, node-2]", "[node-2, node-1]")));
    }

    @Test
    void shouldRejectAnInvalidClusterRange() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterRange(3, 2, List.of(NODE_1)));
        assertThrows(IllegalArgumentException.class, () -> new ClusterRange(0, 2, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClusterRange(0, 2, List.of(NODE_1, NODE_1)));
    }

    // ---- diff

    @Test
    void shouldDescribeAnAddressAndAReplicaChange() {
        Topology topology = Topology.parse(LOCAL);
        Topology newer = Topology.parse(LOCAL.replace("127.0.0.1:7103", "10.0.0.3:7103")
                .replace("[node-3, node-1]", "[node-3, node-2]"));
        assertEquals("node-3 address 127.0.0.1:7103 -> 10.0.0.3:7103; clusters 4-7: replicas node-3, node-1 -> "
                + "node-3, node-2", topology.diff(newer));
    }

    @Test
    void shouldDescribeAddedAndRemovedNodesAndResplitRanges() {
        Topology topology = Topology.parse(LOCAL);
        Topology newer = Topology.parse("""
                total_clusters: 12
                replication_factor: 2
                nodes:
                  - {id: node-1, address: "127.0.0.1:7101"}
                  - {id: node-3, address: "127.0.0.1:7103"}
                  - {id: node-4, address: "127.0.0.1:7104"}
                ranges:
                  - {clusters: 0-5, replicas: [node-1, node-4]}
                  - {clusters: 6-7, replicas: [node-4, node-3]}
                  - {clusters: 8-11, replicas: [node-4, node-3]}
                """);
        assertEquals("node-2 removed; node-4 added at 127.0.0.1:7104; clusters 8-11: replicas node-2, node-3 -> "
                + "node-4, node-3; ranges clusters 0-3 (node-1, node-2), clusters 4-7 (node-3, node-1) -> "
                + "clusters 0-5 (node-1, node-4), clusters 6-7 (node-4, node-3)", topology.diff(newer));
    }

    @Test
    void shouldDescribeAChangeOfClustersAndReplicationFactor() {
        Topology topology = Topology.parse(LOCAL);
        Topology newer = Topology.parse(LOCAL.replace("total_clusters: 12", "total_clusters: 16")
                .replace("replication_factor: 2", "replication_factor: 1")
                .replace("[node-1, node-2]", "[node-1]").replace("[node-3, node-1]", "[node-3]")
                .replace("clusters: 8-11\n    replicas: [node-2, node-3]", "clusters: 8-15\n    replicas: [node-2]"));
        assertEquals("total_clusters 12 -> 16; replication_factor 2 -> 1; clusters 0-3: replicas node-1, node-2 -> "
                + "node-1; clusters 4-7: replicas node-3, node-1 -> node-3; ranges clusters 8-11 (node-2, node-3) -> "
                + "clusters 8-15 (node-2)", topology.diff(newer));
    }

    // ---- errors

    static Stream<Arguments> invalidTopologies() {
        String clusters = "replication_factor: 2\n" + NODES + RANGES;
        return Stream.of(
                invalid(clusters, "total_clusters: required"),
                invalid("total_clusters: 0\n" + clusters, "total_clusters: 0 is invalid: use 1-65536"),
                invalid("total_clusters: 65537\n" + clusters, "total_clusters: 65537 is invalid: use 1-65536"),
                invalid("total_clusters: twelve\n" + clusters, "total_clusters: expected an integer, got a string"),
                invalid(LOCAL.replace("replication_factor: 2", "replication_factor: 4"),
                        "replication_factor: 4 is invalid: use 1-3 (the number of nodes)"),
                invalid(LOCAL.replace("replication_factor: 2", "replication_factor: 0"),
                        "replication_factor: 0 is invalid: use 1-3 (the number of nodes)"),
                invalid(LOCAL.replace("replication_factor: 2\n", ""), "replication_factor: required"),
                invalid("total_clusters: 12\nreplication_factor: 2\n" + RANGES, "nodes: at least one node is required"),
                invalid("total_clusters: 12\nreplication_factor: 2\nnodes: []\n", "nodes: at least one node is required"),
                invalid("total_clusters: 12\nreplication_factor: 1\nnodes: {id: a, address: \"h:1\"}\n",
                        "nodes: expected a list, got a mapping"),
                invalid(LOCAL.replace("id: node-2", "id: node-1"), "nodes[1].id: 'node-1' is used twice (also nodes[0])"),
                invalid(LOCAL.replace("id: node-2", "id: node 2"),
                        "nodes[1].id: 'node 2' is invalid: use 1-64 letters, digits, '_' or '-'"),
                invalid(LOCAL.replace("  - id: node-1\n", "  - \n"), "nodes[0].id: required"),
                invalid(LOCAL.replace("address: 127.0.0.1:7101", "address: localhost"),
                        "nodes[0].address: 'localhost' is invalid: use host:port"),
                invalid(LOCAL.replace("    address: 127.0.0.1:7101\n", ""), "nodes[0].address: required"),
                invalid(LOCAL.replace("127.0.0.1:7101", "127.0.0.1:0"),
                        "nodes[0].address: 127.0.0.1:0 is invalid: give the node's port"),
                invalid(LOCAL.replace("127.0.0.1:7103", "127.0.0.1:7101"),
                        "nodes[2].address: 127.0.0.1:7101 is used twice (also nodes[0])"),
                invalid(LOCAL.replace("    address: 127.0.0.1:7101\n", "    address: 127.0.0.1:7101\n    port: 1\n"),
                        "nodes[0].port: unknown field (use id, address)"),
                invalid(LOCAL.replace("clusters: 4-7", "clusters: 5-3"),
                        "ranges[1].clusters: '5-3' is invalid: use first-last with first <= last, or one cluster number"),
                invalid(LOCAL.replace("clusters: 4-7", "clusters: four"),
                        "ranges[1].clusters: 'four' is invalid: use first-last with first <= last, or one cluster number"),
                invalid(LOCAL.replace("clusters: 4-7", "clusters: [4, 7]"),
                        "ranges[1].clusters: expected first-last or one cluster number, got a list"),
                invalid(LOCAL.replace("clusters: 4-7", "clusters: 9-20"), "ranges[1].clusters: 9-20 is outside [0, 12)"),
                invalid(LOCAL.replace("clusters: 4-7", "clusters: 12"), "ranges[1].clusters: 12 is outside [0, 12)"),
                invalid(LOCAL.replace("clusters: 4-7", "clusters: -1"), "ranges[1].clusters: -1 is outside [0, 12)"),
                invalid(LOCAL.replace("    replicas: [node-3, node-1]\n", "    replicas: [node-3, node-1]\n  - clusters: 5\n"
                        + "    replicas: [node-1, node-2]\n"), "ranges[2].clusters: cluster 5 is also in ranges[1]"),
                invalid(LOCAL.replace("clusters: 8-11", "clusters: 10-11"), "ranges: clusters 8-9 are in no range"),
                invalid(LOCAL.replace("clusters: 8-11", "clusters: 9-11"), "ranges: cluster 8 is in no range"),
                invalid("total_clusters: 12\nreplication_factor: 2\n" + NODES, "ranges: clusters 0-11 are in no range"),
                invalid(LOCAL.replace("clusters: 0-3", "cluster: 0-3"),
                        "ranges[0].cluster: unknown field (did you mean ranges[0].clusters?)"),
                invalid(LOCAL.replace("  - clusters: 0-3\n", "  - \n"), "ranges[0].clusters: required"),
                invalid(LOCAL.replace("[node-1, node-2]", "[node-1]"),
                        "ranges[0].replicas: has 1 node; replication_factor is 2"),
                invalid(LOCAL.replace("[node-1, node-2]", "[]"), "ranges[0].replicas: has 0 nodes; replication_factor is 2"),
                invalid(LOCAL.replace("[node-1, node-2]", "[node-1, node-2, node-3]"),
                        "ranges[0].replicas: has 3 nodes; replication_factor is 2"),
                invalid(LOCAL.replace("[node-1, node-2]", "[node-1, node-9]"),
                        "ranges[0].replicas[1]: unknown node 'node-9' (nodes: node-1, node-2, node-3)"),
                invalid(LOCAL.replace("[node-1, node-2]", "[node-1, node-1]"), "ranges[0].replicas: node-1 is listed twice"),
                invalid(LOCAL.replace("[node-1, node-2]", "node-1"), "ranges[0].replicas: expected a list, got a string"),
                invalid(LOCAL.replace("    replicas: [node-1, node-2]\n", ""), "ranges[0].replicas: required"),
                invalid(LOCAL.replace("[node-1, node-2]", "[node-1, 2]"),
                        "ranges[0].replicas[1]: expected a string, got an integer"),
                invalid(LOCAL + "replication: 2\n",
                        "replication: unknown field (use total_clusters, replication_factor, nodes, ranges)"),
                invalid(LOCAL + "total_cluster: 2\n", "total_cluster: unknown field (did you mean total_clusters?)"),
                invalid("- 12\n", "expected a mapping of settings at the top level, got a list"));
    }

    private static Arguments invalid(String yaml, String message) {
        return Arguments.of(yaml, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidTopologies")
    void shouldRejectAnInvalidTopologyNamingTheEntryAndTheReason(String yaml, String message) {
        assertConfigError(message, () -> Topology.parse(yaml));
    }

    @Test
    void shouldPrefixErrorsWithTheFileWhenLoaded() throws IOException {
        Path file = Files.writeString(tmp.resolve("topology.yaml"), LOCAL.replace("[node-1, node-2]", "[node-1]"));
        assertConfigError(file + ": ranges[0].replicas: has 1 node; replication_factor is 2", () -> Topology.load(file));
        Path missing = tmp.resolve("missing.yaml");
        assertConfigError(missing + ": no such file", () -> Topology.load(missing));
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "total_clusters: 12\nnodes: [\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Topology.load(broken));
        assertTrue(e.getMessage().startsWith(broken + ": line 3, column 1: "), e.getMessage());
    }

    // ---- shipped file

    @Test
    void shouldLoadTheLocalTopology() {
        assertEquals(Topology.parse(LOCAL), Topology.load(repoFile("ops/config/local/topology.yaml")));
    }
}
