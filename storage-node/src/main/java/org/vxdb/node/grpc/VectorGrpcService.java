package org.vxdb.node.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.DeleteResponse;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.StreamWriteAck;
import org.vxdb.api.v1.StreamWriteRequest;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.node.metrics.NodeMetrics;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.shard.ShardWrite;

/** The public vector API of one node: writes routed to shards by id hash, searches over every shard. */
public final class VectorGrpcService extends VectorServiceGrpc.VectorServiceImplBase {

    private final NodeState node;
    private final NodeMetrics metrics;
    private final int maxBatchRows;

    public VectorGrpcService(NodeState node, NodeMetrics metrics, int maxBatchRows) {
        this.node = node;
        this.metrics = metrics;
        this.maxBatchRows = maxBatchRows;
    }

    @Override
    public void insert(WriteRequest request, StreamObserver<WriteResponse> out) {
        unary(out, () -> write(request, true, "public"));
    }

    @Override
    public void upsert(WriteRequest request, StreamObserver<WriteResponse> out) {
        unary(out, () -> write(request, false, "public"));
    }

    private WriteResponse write(WriteRequest request, boolean ifAbsent, String api) throws IOException {
        Collection c = collection(request.getCollection());
        List<WriteExecution.Row> rows = WriteExecution.decode(request, c, maxBatchRows);
        WriteResponse response = WriteExecution.write(c, rows, node.clock().next(), ifAbsent);
        metrics.recordsWritten("upsert", rows.size());
        metrics.batchAcknowledged(api);
        return response;
    }

    /**
     * Each batch is written before the next is read (the stream's flow control is the
     * backpressure) and acknowledged once durable. The first bad batch ends the stream with its
     * status; batches acknowledged before it stay written.
     */
    @Override
    public StreamObserver<StreamWriteRequest> streamUpsert(StreamObserver<StreamWriteAck> out) {
        ServerCallStreamObserver<StreamWriteAck> call = (ServerCallStreamObserver<StreamWriteAck>) out;
        return new StreamObserver<>() {
            private String collection = "";
            private boolean failed;

            @Override
            public void onNext(StreamWriteRequest batch) {
                if (failed || call.isCancelled()) {
                    return;
                }
                try {
                    WriteRequest request = batch.getBatch();
                    if (!request.getCollection().isEmpty()) {
                        collection = request.getCollection();
                    } else if (!collection.isEmpty()) {
                        request = request.toBuilder().setCollection(collection).build();
                    }
                    WriteResponse result = write(request, false, "stream");
                    out.onNext(StreamWriteAck.newBuilder().setSequence(batch.getSequence()).setResult(result).build());
                } catch (Exception e) {
                    failed = true;
                    out.onError(GrpcErrors.toStatus(e));
                }
            }

            @Override
            public void onError(Throwable t) {
                failed = true;
            }

            @Override
            public void onCompleted() {
                if (!failed) {
                    out.onCompleted();
                }
            }
        };
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> out) {
        unary(out, () -> {
            Collection c = collection(request.getCollection());
            WriteExecution.checkBatchSize(request.getIdsCount(), maxBatchRows, "ids");
            GetResponse.Builder response = GetResponse.newBuilder();
            for (long id : new LinkedHashSet<>(request.getIdsList())) {
                Optional<org.vxdb.storage.shard.StoredVector> found = c.get(id);
                if (found.isEmpty()) {
                    response.addMissingIds(id);
                    continue;
                }
                StoredVector.Builder v = StoredVector.newBuilder().setId(id).setVersion(found.get().version());
                if (request.getIncludeVectors()) {
                    for (float x : found.get().vector()) {
                        v.addValues(x);
                    }
                }
                if (request.getIncludeMetadata()) {
                    v.putAllMetadata(MetadataMapping.toProto(found.get().metadata()));
                }
                response.addVectors(v);
            }
            return response.build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
        unary(out, () -> {
            Collection c = collection(request.getCollection());
            WriteExecution.checkBatchSize(request.getIdsCount(), maxBatchRows, "ids");
            List<Long> ids = List.copyOf(new LinkedHashSet<>(request.getIdsList()));
            long version = node.clock().next();
            List<ShardWrite> tombstones = ids.stream().map(id -> ShardWrite.delete(id, version)).toList();
            WriteExecution.checkDeadline();
            c.write(tombstones, Collection.WriteMode.UPSERT);
            metrics.recordsWritten("delete", ids.size());
            metrics.batchAcknowledged("public");
            return DeleteResponse.newBuilder().setDeleted(ids.size()).build();
        });
    }

    @Override
    public void search(SearchRequest request, StreamObserver<SearchResponse> out) {
        unary(out, () -> {
            Collection c = collection(request.getCollection());
            float[] query = SearchExecution.query(request.getQueryList(), c);
            int k = SearchExecution.k(request.getK());
            Filter filter = FilterMapping.toFilter(request.hasFilter(), request.getFilter());
            SearchExecution.Result r = SearchExecution.run(c, SearchExecution.shards(c, List.of()), query, k, filter,
                    SearchExecution.params(request.getParams()), SearchExecution.recallTarget(request.getParams(), c),
                    request.getIncludeVectors(), request.getIncludeMetadata());
            SearchResponse.Builder b = SearchResponse.newBuilder().addAllHits(r.hits()).setPlan(r.plan())
                    .setRowsScanned(r.rowsScanned());
            if (!Double.isNaN(r.recall())) {
                b.setRecall(com.google.protobuf.DoubleValue.of(r.recall()));
            }
            return b.build();
        });
    }

    private Collection collection(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        return node.engine().require(name);
    }

    /** The body of a unary call: returns the response or throws what becomes its status. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    static <T> void unary(StreamObserver<T> out, Call<T> call) {
        T response;
        try {
            response = call.run();
        } catch (Exception e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }
}
