package org.vxdb.coordinator.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardDigestResponse;
import org.vxdb.api.internal.v1.ShardStats;
import org.vxdb.api.internal.v1.ShardStatsRequest;
import org.vxdb.api.internal.v1.ShardStatsResponse;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.topology.ClusterRange;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.BuildVersion;

/**
 * Builds {@link ClusterReport}s by asking every node at once, outside the circuit breakers (an
 * observer must see a node that came back before traffic does, and must not trip a breaker
 * itself). A node that does not answer within {@link #TIMEOUT} is reported down, with the reason.
 */
final class ClusterInspection {

    /** How long a status, stats or digest call may take before its node counts as not answering. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final NodeStatusRequest STATUS = NodeStatusRequest.getDefaultInstance();

    private final NodeClients clients;
    private final CollectionCatalog catalog;
    private final String coordinatorId;

    ClusterInspection(NodeClients clients, CollectionCatalog catalog, String coordinatorId) {
        this.clients = clients;
        this.catalog = catalog;
        this.coordinatorId = coordinatorId;
    }

    ClusterReport.Cluster cluster() {
        NodeClients.View view = clients.view();
        Topology topology = view.topology();
        Map<NodeClient, CompletableFuture<NodeStatusResponse>> calls = new LinkedHashMap<>();
        Map<NodeClient, Long> started = new LinkedHashMap<>();
        for (NodeClient node : view.all()) {
            started.put(node, System.nanoTime());
            calls.put(node, node.observe(c -> c.internal(TIMEOUT).nodeStatus(STATUS)));
        }
        List<ClusterReport.Node> nodes = new ArrayList<>();
        for (Map.Entry<NodeClient, CompletableFuture<NodeStatusResponse>> e : calls.entrySet()) {
            NodeClient node = e.getKey();
            NodeStatusResponse status = null;
            String reason = "";
            try {
                status = e.getValue().join();
            } catch (RuntimeException failure) {
                reason = CallFailures.describe(failure);
            }
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started.get(node));
            String state = status == null ? ClusterReport.DOWN
                    : status.getReady() ? ClusterReport.READY : ClusterReport.NOT_READY;
            if (status != null && !status.getReady()) {
                reason = status.getNotReadyReason();
            }
            nodes.add(new ClusterReport.Node(node.id(), node.node().address().toString(), state, reason,
                    breaker(node.breaker().getState()), rangesOf(topology, node.node(), true),
                    rangesOf(topology, node.node(), false), status, micros));
        }
        List<ClusterReport.Range> ranges = topology.ranges().stream().map(r -> new ClusterReport.Range(
                r.span(), r.first(), r.last(), r.replicas().stream().map(NodeInfo::id).toList())).toList();
        return new ClusterReport.Cluster(coordinatorId, BuildVersion.version(), topology.totalClusters(),
                topology.replicationFactor(), nodes, ranges, System.currentTimeMillis());
    }

    /** Every shard of {@code name} on every replica, with digests compared. NOT_FOUND for an unknown collection. */
    ClusterReport.CollectionShards shards(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        CollectionSpec spec = catalog.spec(name);
        NodeClients.View view = clients.view();
        List<RangeCalls> pending = new ArrayList<>();
        for (ClusterRange range : view.topology().ranges()) {
            pending.add(RangeCalls.start(view, range, name));
        }
        List<ClusterReport.Shard> shards = new ArrayList<>();
        for (RangeCalls calls : pending) {
            shards.addAll(calls.collect());
        }
        return new ClusterReport.CollectionShards(spec, shards, System.currentTimeMillis());
    }

    /** The stats and digest calls of one range's shards on each of its replicas, in flight. */
    private record RangeCalls(ClusterRange range, List<NodeClient> replicas,
                              List<CompletableFuture<ShardStatsResponse>> stats,
                              List<Map<Integer, CompletableFuture<ShardDigestResponse>>> digests) {

        static RangeCalls start(NodeClients.View view, ClusterRange range, String collection) {
            ShardStatsRequest.Builder statsRequest = ShardStatsRequest.newBuilder().setCollection(collection);
            for (int c = range.first(); c <= range.last(); c++) {
                statsRequest.addShards(c);
            }
            List<NodeClient> replicas = new ArrayList<>();
            List<CompletableFuture<ShardStatsResponse>> stats = new ArrayList<>();
            List<Map<Integer, CompletableFuture<ShardDigestResponse>>> digests = new ArrayList<>();
            for (NodeInfo replica : range.replicas()) {
                NodeClient node = view.client(replica);
                replicas.add(node);
                stats.add(node.observe(c -> c.internal(TIMEOUT).shardStats(statsRequest.build())));
                Map<Integer, CompletableFuture<ShardDigestResponse>> byShard = new LinkedHashMap<>();
                for (int c = range.first(); c <= range.last(); c++) {
                    ShardDigestRequest d = ShardDigestRequest.newBuilder().setCollection(collection).setShard(c)
                            .setBuckets(1).build();
                    byShard.put(c, node.observe(n -> n.internal(TIMEOUT).shardDigest(d)));
                }
                digests.add(byShard);
            }
            return new RangeCalls(range, replicas, stats, digests);
        }

        List<ClusterReport.Shard> collect() {
            List<Map<Integer, ShardStats>> statsByReplica = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (CompletableFuture<ShardStatsResponse> call : stats) {
                Map<Integer, ShardStats> byShard = new LinkedHashMap<>();
                String error = "";
                try {
                    for (ShardStats s : call.join().getShardsList()) {
                        byShard.put(s.getShard(), s);
                    }
                } catch (RuntimeException failure) {
                    if (CallFailures.status(failure).getCode() == Status.Code.NOT_FOUND) {
                        error = "the collection is missing on this node: " + CallFailures.describe(failure);
                    } else {
                        error = CallFailures.describe(failure);
                    }
                }
                statsByReplica.add(byShard);
                errors.add(error);
            }
            List<ClusterReport.Shard> out = new ArrayList<>();
            for (int c = range.first(); c <= range.last(); c++) {
                List<ClusterReport.Replica> replicaViews = new ArrayList<>();
                for (int i = 0; i < replicas.size(); i++) {
                    replicaViews.add(replica(c, i, statsByReplica.get(i), errors.get(i)));
                }
                out.add(new ClusterReport.Shard(c, range.span(), replicaViews, agreement(replicaViews)));
            }
            return out;
        }

        private ClusterReport.Replica replica(int shard, int i, Map<Integer, ShardStats> stats, String statsError) {
            String role = i == 0 ? "primary" : "replica";
            String node = replicas.get(i).id();
            if (!statsError.isEmpty()) {
                digests.get(i).get(shard).cancel(false);
                return new ClusterReport.Replica(node, role, statsError, null, 0, 0);
            }
            try {
                ShardDigestResponse d = digests.get(i).get(shard).join();
                long hash = 0;
                long records = 0;
                for (var b : d.getBucketsList()) {
                    hash ^= b.getHash();
                    records += b.getRecords();
                }
                return new ClusterReport.Replica(node, role, "", stats.get(shard), hash, records);
            } catch (RuntimeException failure) {
                return new ClusterReport.Replica(node, role, CallFailures.describe(failure), stats.get(shard), 0, 0);
            }
        }

        private static String agreement(List<ClusterReport.Replica> replicas) {
            if (replicas.stream().anyMatch(r -> !r.answered())) {
                return ClusterReport.UNKNOWN;
            }
            ClusterReport.Replica first = replicas.getFirst();
            boolean same = replicas.stream().allMatch(r -> r.digest() == first.digest()
                    && r.digestRecords() == first.digestRecords());
            return same ? ClusterReport.IN_AGREEMENT : ClusterReport.DRIFTING;
        }
    }

    private static List<String> rangesOf(Topology topology, NodeInfo node, boolean primary) {
        List<String> out = new ArrayList<>();
        for (ClusterRange r : topology.ranges()) {
            int at = r.replicas().indexOf(node);
            if (at == 0 && primary || at > 0 && !primary) {
                out.add(r.span());
            }
        }
        return out;
    }

    private static String breaker(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case HALF_OPEN -> "half_open";
            case OPEN, FORCED_OPEN -> "open";
        };
    }
}
