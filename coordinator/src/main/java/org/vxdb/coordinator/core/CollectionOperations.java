package org.vxdb.coordinator.core;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.vxdb.api.internal.v1.ShardStats;
import org.vxdb.api.internal.v1.ShardStatsRequest;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CollectionStats;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.ListCollectionsResponse;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.topology.ClusterRange;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * Collections across the cluster. A collection exists on every node with one shard per cluster
 * (a node only fills the shards of the clusters it holds). Create and drop go to every node and
 * are idempotent, so a create that some node missed is finished by sending it again.
 */
final class CollectionOperations {

    private final NodeClients clients;
    private final CollectionCatalog catalog;

    CollectionOperations(NodeClients clients, CollectionCatalog catalog) {
        this.clients = clients;
        this.catalog = catalog;
    }

    CollectionInfo create(CollectionSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec: required");
        }
        int clusters = clients.view().topology().totalClusters();
        if (spec.getShardCount() != 0 && spec.getShardCount() != clusters) {
            throw new IllegalArgumentException("spec.shard_count: " + Integer.toUnsignedString(spec.getShardCount())
                    + " is invalid: the cluster has " + clusters + " clusters and a collection has one shard per"
                    + " cluster (leave it 0)");
        }
        CreateCollectionRequest perNode = CreateCollectionRequest.newBuilder()
                .setSpec(spec.toBuilder().setShardCount(clusters)).build();
        Map<NodeClient, Throwable> failures = everyNode(c -> c.collections(c.callTimeout())
                .createCollection(perNode));
        List<String> existed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<NodeClient, Throwable> e : failures.entrySet()) {
            Status s = CallFailures.status(e.getValue());
            if (s.getCode() == Status.Code.ALREADY_EXISTS) {
                existed.add(e.getKey().id());
            } else if (!CallFailures.isNodeTrouble(e.getValue())) {
                throw s.asRuntimeException(); // invalid spec: every node says the same
            } else {
                errors.add(e.getKey().id() + " " + CallFailures.describe(e.getValue()));
            }
        }
        int nodes = clients.view().all().size();
        if (existed.size() == nodes) {
            throw Status.ALREADY_EXISTS.withDescription("collection '" + spec.getName() + "' already exists")
                    .asRuntimeException();
        }
        if (!errors.isEmpty()) {
            throw Status.UNAVAILABLE.withDescription("collection '" + spec.getName() + "' was not created on every"
                    + " node (" + String.join("; ", errors) + "); create it again once they are back,"
                    + " it finishes the create").asRuntimeException();
        }
        catalog.forget(spec.getName());
        return describe(spec.getName());
    }

    /** The spec, and stats summed over one answering replica of each range. */
    CollectionInfo describe(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        CollectionSpec spec = catalog.spec(name);
        long vectors = 0;
        long buffered = 0;
        long indexed = 0;
        int segments = 0;
        NodeClients.View view = clients.view();
        for (ClusterRange range : view.topology().ranges()) {
            ShardStatsRequest.Builder req = ShardStatsRequest.newBuilder().setCollection(name);
            for (int c = range.first(); c <= range.last(); c++) {
                req.addShards(c);
            }
            for (NodeInfo replica : range.replicas()) {
                NodeClient node = view.client(replica);
                if (!node.isAvailable()) {
                    continue;
                }
                try {
                    for (ShardStats s : node.call(c -> c.internal(c.callTimeout()).shardStats(req.build())).join()
                            .getShardsList()) {
                        vectors += s.getVectorCount();
                        buffered += s.getBufferedRows();
                        indexed += s.getIndexedRows();
                        segments += s.getSegmentCount();
                    }
                    break;
                } catch (RuntimeException failure) {
                    if (!CallFailures.isNodeTrouble(failure)) {
                        throw CallFailures.status(failure).asRuntimeException();
                    }
                }
            }
        }
        return CollectionInfo.newBuilder().setSpec(spec).setStats(CollectionStats.newBuilder().setVectorCount(vectors)
                .setBufferedRows(buffered).setIndexedRows(indexed).setSegmentCount(segments)).build();
    }

    List<CollectionInfo> list() {
        ListCollectionsRequest request = ListCollectionsRequest.getDefaultInstance();
        List<String> errors = new ArrayList<>();
        for (NodeClient node : clients.view().all()) {
            if (!node.isAvailable()) {
                continue;
            }
            try {
                ListCollectionsResponse names = node.call(c -> c.collections(c.callTimeout())
                        .listCollections(request)).join();
                List<CollectionInfo> response = new ArrayList<>();
                for (CollectionInfo info : names.getCollectionsList()) {
                    response.add(describe(info.getSpec().getName()));
                }
                return response;
            } catch (RuntimeException failure) {
                errors.add(node.id() + " " + CallFailures.describe(failure));
            }
        }
        throw Status.UNAVAILABLE.withDescription("no storage node answered: " + String.join("; ", errors))
                .asRuntimeException();
    }

    /**
     * Sends the declaration to every node (idempotent there, so a call some node missed is finished
     * by sending it again), then describes the collection with the index in its spec.
     */
    CollectionInfo addMetadataIndex(AddMetadataIndexRequest request) {
        if (request.getCollection().isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        Map<NodeClient, Throwable> failures = everyNode(c -> c.collections(c.callTimeout())
                .addMetadataIndex(request));
        int missing = 0;
        List<String> errors = new ArrayList<>();
        for (Map.Entry<NodeClient, Throwable> e : failures.entrySet()) {
            Status s = CallFailures.status(e.getValue());
            if (s.getCode() == Status.Code.NOT_FOUND) {
                missing++;
            } else if (!CallFailures.isNodeTrouble(e.getValue())) {
                throw s.asRuntimeException(); // invalid spec: every node says the same
            } else {
                errors.add(e.getKey().id() + " " + CallFailures.describe(e.getValue()));
            }
        }
        if (missing == clients.view().all().size()) {
            throw Status.NOT_FOUND.withDescription("unknown collection '" + request.getCollection() + "'")
                    .asRuntimeException();
        }
        if (!errors.isEmpty()) {
            throw Status.UNAVAILABLE.withDescription("metadata index was not added to collection '"
                    + request.getCollection() + "' on every node (" + String.join("; ", errors) + "); add it again"
                    + " once they are back").asRuntimeException();
        }
        catalog.forget(request.getCollection());
        return describe(request.getCollection());
    }

    void drop(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        DropCollectionRequest request = DropCollectionRequest.newBuilder().setName(name).build();
        catalog.forget(request.getName());
        Map<NodeClient, Throwable> failures = everyNode(c -> c.collections(c.callTimeout()).dropCollection(request));
        int missing = 0;
        List<String> errors = new ArrayList<>();
        for (Map.Entry<NodeClient, Throwable> e : failures.entrySet()) {
            if (CallFailures.status(e.getValue()).getCode() == Status.Code.NOT_FOUND) {
                missing++;
            } else {
                errors.add(e.getKey().id() + " " + CallFailures.describe(e.getValue()));
            }
        }
        if (missing == clients.view().all().size()) {
            throw Status.NOT_FOUND.withDescription("unknown collection '" + request.getName() + "'")
                    .asRuntimeException();
        }
        if (!errors.isEmpty()) {
            throw Status.UNAVAILABLE.withDescription("collection '" + request.getName() + "' was not dropped on"
                    + " every node (" + String.join("; ", errors) + "); drop it again once they are"
                    + " back").asRuntimeException();
        }
    }

    /** Calls every node at once; returns the failures by node (empty when all succeeded). */
    private <T> Map<NodeClient, Throwable> everyNode(Function<NodeClient, ListenableFuture<T>> rpc) {
        Map<NodeClient, CompletableFuture<T>> calls = new LinkedHashMap<>();
        for (NodeClient node : clients.view().all()) {
            calls.put(node, node.call(rpc));
        }
        Map<NodeClient, Throwable> failures = new LinkedHashMap<>();
        for (Map.Entry<NodeClient, CompletableFuture<T>> e : calls.entrySet()) {
            try {
                e.getValue().join();
            } catch (RuntimeException failure) {
                failures.put(e.getKey(), CallFailures.unwrap(failure));
            }
        }
        return failures;
    }
}
