package org.vxdb.coordinator.write;

import io.grpc.Context;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.HybridLogicalClock;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.ShardWriteResponse;
import org.vxdb.api.v1.WriteFailure;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.Consistency;
import org.vxdb.coordinator.hints.HintStore;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * Sends versioned records to the replicas of their cluster, through each node's retry and circuit
 * breaker, and decides per cluster whether the consistency level was met: a record is reported
 * written only when at least the level's number of replicas acknowledged it durably.
 *
 * <p>Each node takes at most {@code write.replica_window} replica writes in flight. A write goes at
 * once to every replica with a free permit; if that is fewer than the level needs, it waits (within
 * its deadline) for permits of the next replicas in order. A replica beyond the level that has no
 * free permit, and any replica whose write fails on node trouble, gets the write as a hint
 * ({@link HintStore}), delivered later by the hint replayer at the pace the node accepts.
 */
public final class Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final NodeClients clients;
    private final CoordinatorMetrics metrics;
    private final HintStore hints;
    private final HybridLogicalClock clock;

    public Replicator(NodeClients clients, CoordinatorMetrics metrics, HintStore hints, HybridLogicalClock clock) {
        this.clients = clients;
        this.metrics = metrics;
        this.hints = hints;
        this.clock = clock;
    }

    /** Which ids failed and why; empty when every id was written at the level. */
    public record Result(List<WriteFailure> failures, int written, Status.Code firstFailureCode,
                         List<String> reasons) {
        public boolean allFailed() {
            return written == 0 && !failures.isEmpty();
        }
    }

    /**
     * Records grouped by cluster (their versions already assigned).
     *
     * @param deadlineNanos when the client stops waiting ({@link System#nanoTime()}): the longest a
     *                      write needed for the level waits for a window permit
     */
    public CompletableFuture<Result> write(String collection, Map<Integer, List<ShardRecord>> byCluster, boolean ifAbsent,
                                           Consistency consistency, long deadlineNanos) {
        NodeClients.View view = clients.view();
        int rf = view.topology().replicationFactor();
        int required = consistency.required(rf);
        Map<Integer, CompletableFuture<ClusterWrite.Outcome>> outcomes = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<ShardRecord>> e : byCluster.entrySet()) {
            int cluster = e.getKey();
            List<NodeInfo> replicas = view.topology().replicas(cluster);
            ClusterWrite tally = new ClusterWrite(cluster, view.topology().rangeOf(cluster).label(), replicas, required,
                    consistency.name());
            ShardWriteRequest request = ShardWriteRequest.newBuilder().setCollection(collection).setShard(cluster)
                    .addAllRecords(e.getValue()).setIfAbsent(ifAbsent).build();
            // Replica calls outlive the client's call: once the level is met the client gets its answer and
            // its context is cancelled, but the other replicas must still get the records. A forked context
            // keeps the request's values without its cancellation; each replica call has its own deadline.
            Context.current().fork().run(() -> distribute(view, replicas, request, tally, required, deadlineNanos));
            outcomes.put(cluster, tally.decided());
        }
        return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> summarize(byCluster, outcomes));
    }

    /** Sends to the replicas with a free window at once, waits for more if the level needs them, hints the rest. */
    private void distribute(NodeClients.View view, List<NodeInfo> replicas, ShardWriteRequest request,
                            ClusterWrite tally, int required, long deadlineNanos) {
        int sent = 0;
        List<NodeClient> waiting = new ArrayList<>();
        for (NodeInfo node : replicas) {
            NodeClient client = view.client(node);
            if (client.window().tryAcquire()) {
                send(client, request, tally);
                sent++;
            } else {
                waiting.add(client);
            }
        }
        for (NodeClient client : waiting) {
            if (sent < required) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (client.window().tryAcquire(left)) {
                    send(client, request, tally);
                    sent++;
                    continue;
                }
            }
            metrics.replicaWindowFull(client.id());
            hint(client, request);
            tally.notWritten(client.node(), "write window full (" + client.window().size()
                    + " writes in flight): kept as a hint");
        }
    }

    /** Sends to one replica holding a permit of its window, which the call's end releases. */
    private void send(NodeClient client, ShardWriteRequest request, ClusterWrite tally) {
        long start = System.nanoTime();
        CompletableFuture<ShardWriteResponse> call;
        try {
            call = client.callWithRetry(c -> c.internal(c.callTimeout()).writeShard(request));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((response, failure) -> {
            client.window().release();
            metrics.nodeCall(client.id(), "WriteShard", failure, System.nanoTime() - start);
            if (failure == null) {
                clock.observe(response.getNodeClock());
                tally.acknowledged();
                return;
            }
            LOG.debug("write of {} records to {} cluster {} failed: {}", request.getRecordsCount(), client.id(),
                    request.getShard(), CallFailures.describe(failure));
            if (CallFailures.isNodeTrouble(failure)) {
                hint(client, request);
            }
            tally.failed(client.node(), failure);
        });
    }

    /** Keeps a write for a node that did not get it; create-only is dropped (the other replicas judged it). */
    private void hint(NodeClient client, ShardWriteRequest request) {
        if (hints.add(client.id(), request.toBuilder().setIfAbsent(false).build())) {
            metrics.hintWritten(client.id(), request.getRecordsCount());
        } else {
            metrics.hintDropped(client.id(), request.getRecordsCount());
        }
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
