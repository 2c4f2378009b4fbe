package org.vxdb.coordinator.core;

import io.grpc.Context;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.vxdb.api.HybridLogicalClock;
import org.vxdb.api.internal.v1.ReadRecordsRequest;
import org.vxdb.api.internal.v1.ReadRecordsResponse;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * A read of one cluster's ids at QUORUM or ALL: every replica is asked for the newest record of
 * each id (tombstones included); at least {@code required} must answer. The newest version among
 * the answers wins (a tombstone hides an older value), and every replica that answered with an
 * older record, or none, is sent the newest one (read repair), in the background.
 */
final class QuorumRead {

    private final CoordinatorMetrics metrics;
    private final HybridLogicalClock clock;

    QuorumRead(CoordinatorMetrics metrics, HybridLogicalClock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The live vectors among {@code ids} (cluster {@code cluster}), newest versions, by id. */
    Map<Long, StoredVector> read(NodeClients.View view, String collection, int cluster, List<Long> ids, int required,
                                 String level, boolean values, boolean metadata) {
        List<NodeInfo> replicas = view.topology().replicas(cluster);
        ReadRecordsRequest request = ReadRecordsRequest.newBuilder().setCollection(collection).setShard(cluster)
                .addAllIds(ids).build();
        Map<NodeClient, CompletableFuture<ReadRecordsResponse>> calls = new LinkedHashMap<>();
        for (NodeInfo replica : replicas) {
            NodeClient node = view.client(replica);
            long start = System.nanoTime();
            calls.put(node, node.call(c -> c.internal(c.callTimeout()).readRecords(request)).whenComplete((r, t) ->
                    metrics.nodeCall(node.id(), "ReadRecords", t, System.nanoTime() - start)));
        }
        Map<NodeClient, Map<Long, ShardRecord>> answers = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<NodeClient, CompletableFuture<ReadRecordsResponse>> e : calls.entrySet()) {
            try {
                Map<Long, ShardRecord> byId = new HashMap<>();
                for (ShardRecord r : e.getValue().join().getRecordsList()) {
                    byId.put(r.getId(), r);
                }
                answers.put(e.getKey(), byId);
            } catch (RuntimeException failure) {
                if (!CallFailures.isNodeTrouble(failure)) {
                    throw CallFailures.status(failure).asRuntimeException(); // e.g. unknown collection
                }
                errors.add(e.getKey().id() + " " + CallFailures.describe(failure));
            }
        }
        if (answers.size() < required) {
            throw Status.UNAVAILABLE.withDescription("cluster " + cluster + " (" + view.topology().rangeOf(cluster)
                    .label() + ") cannot be read at " + level + ": " + answers.size() + " of " + replicas.size()
                    + " replicas answered, " + level + " needs " + required + " (" + String.join("; ", errors) + ")")
                    .asRuntimeException();
        }
        Map<Long, ShardRecord> newest = new HashMap<>();
        for (Map<Long, ShardRecord> answer : answers.values()) {
            for (ShardRecord r : answer.values()) {
                ShardRecord seen = newest.get(r.getId());
                if (seen == null || Long.compareUnsigned(r.getVersion(), seen.getVersion()) > 0) {
                    newest.put(r.getId(), r);
                }
                clock.observe(r.getVersion());
            }
        }
        repairStale(collection, cluster, answers, newest);
        Map<Long, StoredVector> live = new HashMap<>();
        for (ShardRecord r : newest.values()) {
            if (r.getOp() == RecordOp.UPSERT) {
                StoredVector.Builder v = StoredVector.newBuilder().setId(r.getId()).setVersion(r.getVersion());
                if (values) {
                    v.addAllValues(r.getValuesList());
                }
                if (metadata) {
                    v.putAllMetadata(r.getMetadataMap());
                }
                live.put(r.getId(), v.build());
            }
        }
        return live;
    }

    /** Sends each replica that answered the newest records it lacks; failures are left to anti-entropy. */
    private void repairStale(String collection, int cluster, Map<NodeClient, Map<Long, ShardRecord>> answers,
                             Map<Long, ShardRecord> newest) {
        for (Map.Entry<NodeClient, Map<Long, ShardRecord>> e : answers.entrySet()) {
            ShardWriteRequest.Builder repair = ShardWriteRequest.newBuilder().setCollection(collection)
                    .setShard(cluster);
            for (ShardRecord n : newest.values()) {
                ShardRecord had = e.getValue().get(n.getId());
                if (had == null || had.getVersion() != n.getVersion()) {
                    repair.addRecords(n);
                }
            }
            if (repair.getRecordsCount() == 0) {
                continue;
            }
            NodeClient node = e.getKey();
            ShardWriteRequest write = repair.build();
            // Outlives the read: the core cancels the read's context once it has answered.
            Context.current().fork().run(() -> node.call(c -> c.internal(c.callTimeout()).writeShard(write))
                    .thenRun(() -> metrics.readRepaired(node.id(), write.getRecordsCount())));
        }
    }
}
