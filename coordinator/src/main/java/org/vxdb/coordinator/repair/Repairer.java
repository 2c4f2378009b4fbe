package org.vxdb.coordinator.repair;

import com.google.protobuf.CodedOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.BucketDigest;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.StreamRecordsRequest;
import org.vxdb.api.internal.v1.StreamRecordsResponse;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;

/**
 * Anti-entropy between the replicas of each cluster: compare per-bucket digests of the cluster's
 * shard on every replica, and for each bucket where they differ, stream that bucket's records from
 * every replica to every other. Records carry their versions and a shard applies only newer ones,
 * so pushing both ways converges on the newest record of every id (deletes included) and is safe
 * to repeat or to run while writes go on.
 */
public final class Repairer {

    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final NodeClients clients;
    private final int buckets;
    private final int batchRows;
    /** Largest replica write repair sends: a quarter of a node's default WAL record limit (16 MiB). */
    static final long MAX_WRITE_BYTES = 4L << 20;
    private final IntConsumer pace;

    /** As fast as the nodes take it ({@code ./vxdb repair}). */
    public Repairer(NodeClients clients, int buckets, int batchRows) {
        this(clients, buckets, batchRows, rows -> { });
    }

    /** @param pace called with each batch's records before it is sent; it may wait (the background pass's rate) */
    public Repairer(NodeClients clients, int buckets, int batchRows, IntConsumer pace) {
        this.clients = clients;
        this.buckets = buckets;
        this.batchRows = batchRows;
        this.pace = pace;
    }

    /** What repair did to one cluster of one collection. */
    public record ClusterReport(String collection, int cluster, List<String> replicas, int differingBuckets,
                                long recordsSent, boolean converged, String error) {
        @Override
        public String toString() {
            String head = collection + " cluster " + cluster + " " + replicas + ": ";
            if (error != null) {
                return head + "NOT REPAIRED: " + error;
            }
            return head + (differingBuckets == 0 ? "in sync" : differingBuckets + " buckets differed, " + recordsSent
                    + " records sent, " + (converged ? "now in sync" : "STILL DIFFERENT"));
        }
    }

    /** Every cluster of every collection. */
    public List<ClusterReport> repairAll() {
        List<ClusterReport> reports = new ArrayList<>();
        for (String collection : collections()) {
            reports.addAll(repairCollection(collection));
        }
        return reports;
    }

    public List<ClusterReport> repairCollection(String collection) {
        List<ClusterReport> reports = new ArrayList<>();
        for (int c = 0; c < clients.view().topology().totalClusters(); c++) {
            ClusterReport r = repair(collection, c);
            if (r.error() != null || r.differingBuckets() > 0) {
                LOG.info("repair: {}", r);
            }
            reports.add(r);
        }
        return reports;
    }

    /** The collections, as the first node that answers lists them. */
    public List<String> collections() {
        for (NodeClient node : clients.view().all()) {
            try {
                return node.call(c -> c.collections(c.callTimeout()).listCollections(
                        ListCollectionsRequest.getDefaultInstance())).join().getCollectionsList().stream()
                        .map(CollectionInfo::getSpec).map(s -> s.getName()).toList();
            } catch (RuntimeException e) {
                LOG.debug("repair: {} cannot list collections: {}", node.id(), CallFailures.describe(e));
            }
        }
        throw new IllegalStateException("repair: no storage node can list the collections");
    }

    public ClusterReport repair(String collection, int cluster) {
        NodeClients.View view = clients.view();
        List<NodeClient> replicas = view.topology().replicas(cluster).stream().map(view::client).toList();
        List<String> ids = replicas.stream().map(NodeClient::id).toList();
        replicas.forEach(NodeClient::reconnectNow);
        try {
            List<Integer> differing = differingBuckets(collection, cluster, replicas);
            if (differing.isEmpty()) {
                return new ClusterReport(collection, cluster, ids, 0, 0, true, null);
            }
            long sent = 0;
            for (NodeClient source : replicas) {
                sent += push(collection, cluster, differing, source, replicas);
            }
            boolean converged = differingBuckets(collection, cluster, replicas).isEmpty();
            return new ClusterReport(collection, cluster, ids, differing.size(), sent, converged, null);
        } catch (RuntimeException e) {
            return new ClusterReport(collection, cluster, ids, 0, 0, false, CallFailures.describe(e));
        }
    }

    private List<Integer> differingBuckets(String collection, int cluster, List<NodeClient> replicas) {
        Map<Integer, BucketDigest> first = null;
        List<Integer> differing = new ArrayList<>();
        for (NodeClient node : replicas) {
            Map<Integer, BucketDigest> digest = new TreeMap<>();
            ShardDigestRequest request = ShardDigestRequest.newBuilder().setCollection(collection).setShard(cluster)
                    .setBuckets(buckets).build();
            for (BucketDigest b : node.internalBlocking(node.callTimeout()).shardDigest(request).getBucketsList()) {
                digest.put(b.getBucket(), b);
            }
            if (first == null) {
                first = digest;
                continue;
            }
            for (int b = 0; b < buckets; b++) {
                if (!first.get(b).equals(digest.get(b)) && !differing.contains(b)) {
                    differing.add(b);
                }
            }
        }
        return differing;
    }

    /** Streams the differing buckets of {@code source} to every other replica; returns the records sent. */
    private long push(String collection, int cluster, List<Integer> differing, NodeClient source,
                      List<NodeClient> replicas) {
        StreamRecordsRequest request = StreamRecordsRequest.newBuilder().setCollection(collection).setShard(cluster)
                .setBuckets(buckets).addAllBucketFilter(differing).setBatchRows(batchRows).build();
        long sent = 0;
        Iterator<StreamRecordsResponse> stream = source.internalBlocking(source.callTimeout().multipliedBy(10))
                .streamRecords(request);
        while (stream.hasNext()) {
            StreamRecordsResponse batch = stream.next();
            if (batch.getRecordsCount() == 0) {
                continue;
            }
            for (ShardWriteRequest write : writes(collection, cluster, batch)) {
                for (NodeClient target : replicas) {
                    if (target != source) {
                        pace.accept(write.getRecordsCount());
                        target.internalBlocking(target.callTimeout()).writeShard(write);
                        sent += write.getRecordsCount();
                    }
                }
            }
        }
        return sent;
    }

    /**
     * A streamed batch as replica writes of at most {@link #MAX_WRITE_BYTES} each (at least one
     * record): a node logs each write as one WAL record, and refuses one larger than its
     * {@code storage.wal_max_record_bytes}, which a batch of {@code max_batch_rows} wide rows can pass.
     */
    static List<ShardWriteRequest> writes(String collection, int cluster, StreamRecordsResponse batch) {
        List<ShardWriteRequest> out = new ArrayList<>();
        ShardWriteRequest.Builder write = ShardWriteRequest.newBuilder().setCollection(collection).setShard(cluster);
        long bytes = 0;
        for (ShardRecord r : batch.getRecordsList()) {
            int size = r.getSerializedSize();
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(size); // its tag and length in the request
            if (write.getRecordsCount() > 0 && bytes + size > MAX_WRITE_BYTES) {
                out.add(write.build());
                write = ShardWriteRequest.newBuilder().setCollection(collection).setShard(cluster);
                bytes = 0;
            }
            write.addRecords(r);
            bytes += size;
        }
        if (write.getRecordsCount() > 0) {
            out.add(write.build());
        }
        return out;
    }
}
