package org.vxdb.coordinator.write;

import io.grpc.Context;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.v1.WriteFailure;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.Consistency;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * Sends versioned records to every replica of their cluster at once, through each node's retry
 * and circuit breaker, and decides per cluster whether the consistency level was met. A record is
 * reported written only when at least the level's number of replicas acknowledged it durably.
 */
public final class Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final NodeClients clients;
    private final CoordinatorMetrics metrics;

    public Replicator(NodeClients clients, CoordinatorMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
    }

    /** Which ids failed and why; empty when every id was written at the level. */
    public record Result(List<WriteFailure> failures, int written, Status.Code firstFailureCode,
                         List<String> reasons) {
        public boolean allFailed() {
            return written == 0 && !failures.isEmpty();
        }
    }

    /** Records grouped by cluster (their versions already assigned). */
    public CompletableFuture<Result> write(String collection, Map<Integer, List<ShardRecord>> byCluster, boolean ifAbsent,
                                           Consistency consistency) {
        NodeClients.View view = clients.view();
        int rf = view.topology().replicationFactor();
        int required = consistency.required(rf);
        Map<Integer, CompletableFuture<ClusterWrite.Outcome>> outcomes = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<ShardRecord>> e : byCluster.entrySet()) {
            int cluster = e.getKey();
            List<NodeInfo> replicas = view.topology().replicas(cluster);
            ClusterWrite tally = new ClusterWrite(cluster, replicas, required, consistency.name());
            ShardWriteRequest request = ShardWriteRequest.newBuilder().setCollection(collection).setShard(cluster)
                    .addAllRecords(e.getValue()).setIfAbsent(ifAbsent).build();
            // Replica calls outlive the client's call: once the level is met the client gets its answer and
            // its context is cancelled, but the other replicas must still get the records. A forked context
            // keeps the request's values without its cancellation; each replica call has its own deadline.
            Context.current().fork().run(() -> {
                for (NodeInfo node : replicas) {
                    send(view.client(node), request, tally);
                }
            });
            outcomes.put(cluster, tally.decided());
        }
        return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> summarize(byCluster, outcomes));
    }

    private void send(NodeClient client, ShardWriteRequest request, ClusterWrite tally) {
        long start = System.nanoTime();
        client.callWithRetry(c -> c.internal(c.callTimeout()).writeShard(request)).whenComplete((response, failure) -> {
            metrics.nodeCall(client.id(), "WriteShard", failure, System.nanoTime() - start);
            if (failure == null) {
                tally.acknowledged();
            } else {
                LOG.debug("write of {} records to {} cluster {} failed: {}", request.getRecordsCount(), client.id(),
                        request.getShard(), CallFailures.describe(failure));
                tally.failed(client.node(), failure);
            }
        });
    }

    private static Result summarize(Map<Integer, List<ShardRecord>> byCluster,
                                    Map<Integer, CompletableFuture<ClusterWrite.Outcome>> outcomes) {
        List<WriteFailure> failures = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int written = 0;
        Status.Code first = Status.Code.OK;
        for (Map.Entry<Integer, CompletableFuture<ClusterWrite.Outcome>> e : outcomes.entrySet()) {
            ClusterWrite.Outcome o = e.getValue().join();
            List<ShardRecord> records = byCluster.get(e.getKey());
            if (o.written()) {
                written += records.size();
                continue;
            }
            if (first == Status.Code.OK) {
                first = o.code();
            }
            reasons.add(o.reason());
            for (ShardRecord r : records) {
                failures.add(WriteFailure.newBuilder().setId(r.getId()).setReason(o.reason()).build());
            }
        }
        return new Result(failures, written, first, reasons);
    }
}
