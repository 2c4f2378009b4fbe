package org.vxdb.coordinator.core;

import java.util.List;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.ShardStats;
import org.vxdb.api.v1.CollectionSpec;

/**
 * What the cluster looks like from this coordinator: each node's state and resources with its
 * breaker as the coordinator sees it, the placement of cluster ranges, and each shard of a
 * collection on each of its replicas. Built by the core for the dashboard and the REST
 * {@code /v1/cluster} and {@code /v1/collections/{name}/shards} endpoints.
 */
public final class ClusterReport {

    /** A node answered its status call and is ready. */
    public static final String READY = "ready";
    /** A node answered but is not ready (opening storage, draining). */
    public static final String NOT_READY = "not_ready";
    /** A node did not answer its status call. */
    public static final String DOWN = "down";

    /** Every replica of a shard holds the same records (equal digests). */
    public static final String IN_AGREEMENT = "in_agreement";
    /** Replicas of a shard hold different records: repair (anti-entropy) will stream the difference. */
    public static final String DRIFTING = "drifting";
    /** Some replica did not answer, so agreement cannot be told. */
    public static final String UNKNOWN = "unknown";

    private ClusterReport() {
    }

    /**
     * @param takenAtMillis epoch milliseconds when the report was made
     */
    public record Cluster(String coordinatorId, String version, int totalClusters, int replicationFactor,
                          List<Node> nodes, List<Range> ranges, long takenAtMillis) {
    }

    /**
     * One node.
     *
     * @param state           {@link #READY}, {@link #NOT_READY} or {@link #DOWN}
     * @param reason          why it is not ready or down ("" when ready)
     * @param breaker         the coordinator's circuit breaker for it: closed, half_open or open
     * @param primaryRanges   labels of the ranges it holds as primary (first replica)
     * @param replicaRanges   labels of the ranges it holds as a later replica
     * @param status          what the node said about itself; null when it is down
     * @param roundTripMicros the status call's time
     */
    public record Node(String id, String address, String state, String reason, String breaker,
                       List<String> primaryRanges, List<String> replicaRanges, NodeStatusResponse status,
                       long roundTripMicros) {
    }

    /** A cluster range and its replicas' node ids, primary first. */
    public record Range(String label, int first, int last, List<String> replicas) {
    }

    /** Every shard of a collection, as each of its replicas holds it. */
    public record CollectionShards(CollectionSpec spec, List<Shard> shards, long takenAtMillis) {
    }

    /**
     * One shard (one cluster) on each of its replicas.
     *
     * @param agreement {@link #IN_AGREEMENT}, {@link #DRIFTING} or {@link #UNKNOWN}
     */
    public record Shard(int shard, String range, List<Replica> replicas, String agreement) {
    }

    /**
     * One replica of a shard.
     *
     * @param role          primary or replica
     * @param error         why it could not be read ("" when it was)
     * @param stats         the shard's sizes and index state; null when it could not be read
     * @param digest        an order-independent hash of (id, version, deleted) over the shard's records
     * @param digestRecords ids with a record (tombstones included) behind the digest
     */
    public record Replica(String node, String role, String error, ShardStats stats, long digest,
                          long digestRecords) {
        public boolean answered() {
            return error.isEmpty();
        }
    }
}
