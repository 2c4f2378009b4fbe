package org.vxdb.coordinator.core;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.vxdb.api.IdHashing;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.DeleteResponse;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.Consistency;
import org.vxdb.api.HybridLogicalClock;
import org.vxdb.coordinator.search.ScatterGather;
import org.vxdb.coordinator.topology.ClusterRange;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.coordinator.write.Replicator;

/**
 * The public vector API for the whole cluster. It only decodes, validates (the same checks and
 * messages as a node), routes ({@code cluster = xxHash64(id) mod total_clusters}) and hands off to
 * the {@link Replicator} and {@link ScatterGather}.
 */
final class VectorOperations {

    private final NodeClients clients;
    private final CollectionCatalog catalog;
    private final Replicator replicator;
    private final ScatterGather scatter;
    private final HybridLogicalClock clock;
    private final CoordinatorMetrics metrics;
    private final Consistency defaultConsistency;
    private final int maxBatchRows;
    private final QuorumRead quorumRead;

    VectorOperations(NodeClients clients, CollectionCatalog catalog, Replicator replicator,
                     ScatterGather scatter, HybridLogicalClock clock, CoordinatorMetrics metrics,
                     Consistency defaultConsistency, int maxBatchRows) {
        this.clients = clients;
        this.catalog = catalog;
        this.replicator = replicator;
        this.scatter = scatter;
        this.clock = clock;
        this.metrics = metrics;
        this.defaultConsistency = defaultConsistency;
        this.maxBatchRows = maxBatchRows;
        this.quorumRead = new QuorumRead(metrics, clock);
    }

    /** Insert ({@code ifAbsent}: create-only) or upsert one batch. */
    WriteResponse write(CallContext ctx, WriteRequest request, boolean ifAbsent) {
        String name = RequestChecks.collection(request.getCollection());
        List<Vector> vectors = request.getVectorsList();
        RequestChecks.batchSize(vectors.size(), maxBatchRows, "vectors");
        CollectionSpec spec = catalog.spec(name);
        // Values travel on as little-endian bytes: a vector that came as raw_values is forwarded without a
        // copy, and the node decodes one block instead of a float at a time.
        List<ByteString> values = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            Vector v = vectors.get(i);
            values.add(RequestChecks.rawValues(v, spec.getDimension(), name, "vectors[" + i + "]"));
            if (v.getMetadataCount() > 0) {
                RequestChecks.metadata(v.getMetadataMap(), "vectors[" + i + "].metadata");
            }
        }
        long[] ids = RequestChecks.idsOfRaw(vectors, values);
        long version = clock.next();
        Map<Integer, List<ShardRecord>> byCluster = new LinkedHashMap<>();
        int clusters = clients.view().topology().totalClusters();
        for (int i = 0; i < ids.length; i++) {
            ShardRecord.Builder r = ShardRecord.newBuilder().setId(ids[i]).setVersion(version).setOp(RecordOp.UPSERT)
                    .setRawValues(values.get(i));
            if (vectors.get(i).getMetadataCount() > 0) {
                r.putAllMetadata(vectors.get(i).getMetadataMap());
            }
            byCluster.computeIfAbsent(IdHashing.bucketOf(ids[i], clusters), c -> new ArrayList<>()).add(r.build());
        }
        Replicator.Result result = replicate(ctx, name, byCluster, ifAbsent, request.getConsistency());
        WriteResponse.Builder response = WriteResponse.newBuilder().setWritten(result.written())
                .addAllFailures(result.failures());
        for (long id : ids) {
            response.addIds(id);
        }
        return response.build();
    }

    private Replicator.Result replicate(CallContext ctx, String collection, Map<Integer, List<ShardRecord>> byCluster,
                                        boolean ifAbsent, WriteConsistency requested) {
        checkNotExpired(ctx);
        Consistency level = requested == WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED ? defaultConsistency
                : Consistency.valueOf(requested.name());
        Replicator.Result result = replicator.write(collection, byCluster, ifAbsent, level, ctx.deadlineNanos()).join();
        metrics.writeFailures(result.failures().size());
        if (result.allFailed()) {
            if (result.firstFailureCode() == Status.Code.NOT_FOUND) {
                catalog.forget(collection);
            }
            String reasons = String.join("; ", result.reasons());
            throw Status.fromCode(result.firstFailureCode())
                    .withDescription(result.firstFailureCode() == Status.Code.UNAVAILABLE
                            ? "nothing was written: " + reasons : reasons)
                    .asRuntimeException();
        }
        return result;
    }

    private static void checkNotExpired(CallContext ctx) {
        if (ctx.expired()) {
            throw Status.DEADLINE_EXCEEDED.withDescription("the request ended before it was written; nothing was written")
                    .asRuntimeException();
        }
    }

    DeleteResponse delete(CallContext ctx, DeleteRequest request) {
        String name = RequestChecks.collection(request.getCollection());
        RequestChecks.batchSize(request.getIdsCount(), maxBatchRows, "ids");
        catalog.spec(name);
        long version = clock.next();
        int clusters = clients.view().topology().totalClusters();
        Map<Integer, List<ShardRecord>> byCluster = new LinkedHashMap<>();
        for (long id : new LinkedHashSet<>(request.getIdsList())) {
            byCluster.computeIfAbsent(IdHashing.bucketOf(id, clusters), c -> new ArrayList<>())
                    .add(ShardRecord.newBuilder().setId(id).setVersion(version).setOp(RecordOp.DELETE).build());
        }
        Replicator.Result result = replicate(ctx, name, byCluster, false, request.getConsistency());
        return DeleteResponse.newBuilder().setDeleted(result.written()).addAllFailures(result.failures()).build();
    }

    GetResponse get(GetRequest request) {
        String name = RequestChecks.collection(request.getCollection());
        RequestChecks.batchSize(request.getIdsCount(), maxBatchRows, "ids");
        catalog.spec(name);
        NodeClients.View view = clients.view();
        Map<ClusterRange, List<Long>> byRange = new LinkedHashMap<>();
        for (long id : new LinkedHashSet<>(request.getIdsList())) {
            ClusterRange r = view.topology().rangeOf(IdHashing.bucketOf(id, view.topology().totalClusters()));
            byRange.computeIfAbsent(r, x -> new ArrayList<>()).add(id);
        }
        Map<Long, StoredVector> found = new HashMap<>();
        WriteConsistency level = request.getConsistency();
        if (level == WriteConsistency.QUORUM || level == WriteConsistency.ALL) {
            int required = Consistency.valueOf(level.name()).required(view.topology().replicationFactor());
            Map<Integer, List<Long>> byCluster = new LinkedHashMap<>();
            for (long id : new LinkedHashSet<>(request.getIdsList())) {
                byCluster.computeIfAbsent(IdHashing.bucketOf(id, view.topology().totalClusters()),
                        c -> new ArrayList<>()).add(id);
            }
            for (Map.Entry<Integer, List<Long>> e : byCluster.entrySet()) {
                found.putAll(quorumRead.read(view, name, e.getKey(), e.getValue(), required, level.name(),
                        request.getIncludeVectors(), request.getIncludeMetadata()));
            }
            return answer(request, found);
        }
        for (Map.Entry<ClusterRange, List<Long>> e : byRange.entrySet()) {
            GetResponse part = getFromRange(view, e.getKey(), request.toBuilder().clearIds().addAllIds(e.getValue())
                    .build());
            part.getVectorsList().forEach(v -> {
                found.put(v.getId(), v);
                clock.observe(v.getVersion());
            });
        }
        return answer(request, found);
    }

    /** The found vectors in request order, and the ids not found. */
    private static GetResponse answer(GetRequest request, Map<Long, StoredVector> found) {
        GetResponse.Builder response = GetResponse.newBuilder();
        for (long id : new LinkedHashSet<>(request.getIdsList())) {
            StoredVector v = found.get(id);
            if (v == null) {
                response.addMissingIds(id);
            } else {
                response.addVectors(v);
            }
        }
        return response.build();
    }

    /** Reads from the range's primary, failing over to the next replica on node trouble. */
    private GetResponse getFromRange(NodeClients.View view, ClusterRange range, GetRequest request) {
        List<String> errors = new ArrayList<>();
        for (NodeInfo replica : range.replicas()) {
            NodeClient node = view.client(replica);
            if (!node.isAvailable()) {
                errors.add(node.id() + " circuit breaker open");
                continue;
            }
            long start = System.nanoTime();
            try {
                GetResponse r = node.call(c -> c.vectors(c.callTimeout()).get(request)).join();
                metrics.nodeCall(node.id(), "Get", null, System.nanoTime() - start);
                return r;
            } catch (RuntimeException failure) {
                metrics.nodeCall(node.id(), "Get", failure, System.nanoTime() - start);
                if (!CallFailures.isNodeTrouble(failure)) {
                    throw CallFailures.status(failure).asRuntimeException();
                }
                errors.add(node.id() + " " + CallFailures.describe(failure));
            }
        }
        throw Status.UNAVAILABLE.withDescription(range.label() + " cannot be read: " + String.join("; ", errors))
                .asRuntimeException();
    }

    /** The spec of a collection when the catalog knows it without asking a node (never blocks), else null. */
    CollectionSpec cachedSpec(String name) {
        return catalog.cached(name);
    }

    /**
     * Validates on the calling thread ({@code known}: the collection's spec, when the caller already
     * has it, else null and the catalog is asked), then fans out without waiting: the response is merged on the
     * thread that receives the last node answer.
     */
    CompletableFuture<SearchResponse> searchAsync(CallContext ctx, SearchRequest request, CollectionSpec known) {
        String name = RequestChecks.collection(request.getCollection());
        CollectionSpec spec = known != null && known.getName().equals(name) ? known : catalog.spec(name);
        RequestChecks.query(request.getQueryList(), spec.getDimension(), name);
        RequestChecks.k(request.getK());
        RequestChecks.recallTarget(request.getParams().getRecallTarget(), "params.recall_target");
        if (request.hasFilter()) {
            RequestChecks.filter(request.getFilter());
        }
        return scatter.searchAsync(request, ctx.remaining()).thenApply(response -> {
            for (var hit : response.getHitsList()) {
                clock.observe(hit.getVersion());
            }
            return response;
        });
    }
}
