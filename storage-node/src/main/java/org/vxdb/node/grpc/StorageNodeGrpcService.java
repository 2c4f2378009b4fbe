package org.vxdb.node.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.internal.v1.BucketDigest;
import org.vxdb.api.internal.v1.IndexState;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.ReadRecordsRequest;
import org.vxdb.api.internal.v1.ReadRecordsResponse;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.RestoreShardRequest;
import org.vxdb.api.internal.v1.RestoreShardResponse;
import org.vxdb.api.internal.v1.SnapshotShardRequest;
import org.vxdb.api.internal.v1.SnapshotShardResponse;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardDigestResponse;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardSearchRequest;
import org.vxdb.api.internal.v1.ShardSearchResponse;
import org.vxdb.api.internal.v1.ShardStats;
import org.vxdb.api.internal.v1.ShardStatsRequest;
import org.vxdb.api.internal.v1.ShardStatsResponse;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.ShardWriteResponse;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.internal.v1.StreamRecordsRequest;
import org.vxdb.api.internal.v1.StreamRecordsResponse;
import org.vxdb.node.metrics.NodeMetrics;
import org.vxdb.service.tracing.Tracing;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;

/**
 * The node-internal API a coordinator uses: versioned writes to one shard, searches over a list
 * of shards, stats, the digests and record streams of replica repair, and backup snapshots and restores.
 */
public final class StorageNodeGrpcService extends StorageNodeServiceGrpc.StorageNodeServiceImplBase {

    static final int MAX_DIGEST_BUCKETS = 65_536;
    static final int DEFAULT_STREAM_BATCH = 1000;

    private final NodeState node;
    private final NodeMetrics metrics;
    private final int maxBatchRows;
    private final Supplier<NodeStatusResponse> status;
    private final Tracer tracer;
    private final String nodeId;

    /** @param status the node's health and resources, answered whether or not it is ready */
    public StorageNodeGrpcService(NodeState node, NodeMetrics metrics, int maxBatchRows,
                                  Supplier<NodeStatusResponse> status) {
        this(node, metrics, maxBatchRows, status, Tracing.off().tracer(), "");
    }

    /**
     * @param tracer records a span per {@code SearchShards} call (a child of the caller's span) and
     *               one per shard searched inside it
     * @param nodeId the {@code vxdb.node.id} attribute of those spans
     */
    public StorageNodeGrpcService(NodeState node, NodeMetrics metrics, int maxBatchRows,
                                  Supplier<NodeStatusResponse> status, Tracer tracer, String nodeId) {
        this.node = node;
        this.metrics = metrics;
        this.maxBatchRows = maxBatchRows;
        this.status = status;
        this.tracer = tracer;
        this.nodeId = nodeId;
    }

    @Override
    public void nodeStatus(NodeStatusRequest request, StreamObserver<NodeStatusResponse> out) {
        VectorGrpcService.unary(out, status::get);
    }

    @Override
    public void writeShard(ShardWriteRequest request, StreamObserver<ShardWriteResponse> out) {
        VectorGrpcService.unary(out, () -> {
            Collection c = collection(request.getCollection());
            Shard shard = c.shard(SearchExecution.shard(c, request.getShard(), "shard"));
            WriteExecution.checkBatchSize(request.getRecordsCount(), maxBatchRows, "records");
            List<ShardWrite> writes = new ArrayList<>(request.getRecordsCount());
            long newest = 0;
            int deletes = 0;
            for (int i = 0; i < request.getRecordsCount(); i++) {
                ShardWrite w = toWrite(request.getRecords(i), "records[" + i + "]");
                newest = Math.max(newest, w.version());
                deletes += w.isDelete() ? 1 : 0;
                writes.add(w);
            }
            WriteExecution.checkDeadline();
            shard.write(writes, request.getIfAbsent());
            node.clock().observe(newest);
            metrics.recordsWritten("upsert", writes.size() - deletes);
            metrics.recordsWritten("delete", deletes);
            metrics.batchAcknowledged("internal");
            return ShardWriteResponse.newBuilder().setApplied(writes.size()).setNodeClock(node.clock().last()).build();
        });
    }

    private static ShardWrite toWrite(ShardRecord r, String at) {
        if (r.getVersion() < 1) {
            throw new IllegalArgumentException(at + ": version must be >= 1, got " + Long.toUnsignedString(r.getVersion()));
        }
        return switch (r.getOp()) {
            case DELETE -> {
                if (r.getValuesCount() > 0 || !r.getRawValues().isEmpty() || r.getMetadataCount() > 0) {
                    throw new IllegalArgumentException(at + ": a DELETE carries no values or metadata");
                }
                yield ShardWrite.delete(r.getId(), r.getVersion());
            }
            case UPSERT -> ShardWrite.upsert(r.getId(), r.getVersion(), values(r, at), r.getMetadataCount() == 0
                    ? NO_METADATA : MetadataMapping.encode(r.getMetadataMap(), at + ".metadata"));
            case RECORD_OP_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException(
                    at + ": op is required (UPSERT or DELETE)");
        };
    }

    private static final byte[] NO_METADATA = new byte[0];

    /** An upsert's values, from {@code raw_values} (one block) or {@code values}; the shard checks the dimension. */
    private static float[] values(ShardRecord r, String at) {
        ByteString raw = r.getRawValues();
        if (raw.isEmpty()) {
            float[] values = new float[r.getValuesCount()];
            for (int d = 0; d < values.length; d++) {
                values[d] = r.getValues(d);
            }
            return values;
        }
        if (r.getValuesCount() > 0) {
            throw new IllegalArgumentException(at + ": has both values and raw_values; set one");
        }
        if (raw.size() % Float.BYTES != 0) {
            throw new IllegalArgumentException(at + ": raw_values has " + raw.size()
                    + " bytes, not a whole number of float32 values");
        }
        float[] values = new float[raw.size() / Float.BYTES];
        RequestChecks.floats(raw).get(values);
        return values;
    }

    @Override
    public void searchShards(ShardSearchRequest request, StreamObserver<ShardSearchResponse> out) {
        VectorGrpcService.unary(out, () -> {
            long started = System.nanoTime();
            // A child of the coordinator's node-call span when the call carried a traceparent.
            Span span = tracer.spanBuilder("vxdb.node.search_shards").setSpanKind(SpanKind.SERVER).startSpan();
            if (span.isRecording()) {
                span.setAttribute(Tracing.COLLECTION, request.getCollection()).setAttribute(Tracing.NODE_ID, nodeId)
                        .setAttribute(Tracing.SHARD_COUNT, (long) request.getShardsCount())
                        .setAttribute(Tracing.K, (long) request.getK());
            }
            try (Scope ignored = Tracing.scope(span)) {
                Collection c = collection(request.getCollection());
                int[] shards = SearchExecution.shards(c, request.getShardsList());
                float[] query = SearchExecution.query(request.getQueryList(), c);
                int k = SearchExecution.k(request.getK());
                SearchExecution.Result r = SearchExecution.run(c, shards, query, k,
                        FilterMapping.toFilter(request.hasFilter(), request.getFilter()),
                        SearchExecution.params(request.getParams()),
                        SearchExecution.recallTarget(request.getParams(), c), request.getIncludeVectors(),
                        request.getIncludeMetadata(), tracer);
                span.setAttribute(Tracing.PLAN, r.plan()).setAttribute(Tracing.ROWS_SCANNED, r.rowsScanned())
                        .setAttribute(Tracing.HITS, (long) r.hits().size());
                ShardSearchResponse.Builder b = ShardSearchResponse.newBuilder().addAllHits(r.hits())
                        .setPlan(r.plan()).setRowsScanned(r.rowsScanned());
                if (!Double.isNaN(r.recall())) {
                    b.setRecall(com.google.protobuf.DoubleValue.of(r.recall()));
                }
                return b.setTookMicros((System.nanoTime() - started) / 1000).build();
            } catch (RuntimeException e) {
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                span.end();
            }
        });
    }

    @Override
    public void shardStats(ShardStatsRequest request, StreamObserver<ShardStatsResponse> out) {
        VectorGrpcService.unary(out, () -> {
            Collection c = collection(request.getCollection());
            ShardStatsResponse.Builder response = ShardStatsResponse.newBuilder()
                    .setSpec(CollectionMapping.toSpec(c.config()));
            for (int s : SearchExecution.shards(c, request.getShardsList())) {
                Shard shard = c.shard(s);
                String index = shard.indexDescription();
                String indexError = shard.indexError();
                response.addShards(ShardStats.newBuilder().setShard(s).setVectorCount(shard.count())
                        .setSegmentCount(shard.segmentCount()).setBufferedRows(shard.bufferedRows())
                        .setIndexedRows(shard.indexedRows()).setIndex(index == null ? "" : index)
                        .setMaxVersion(shard.maxVersion()).setIndexState(indexState(shard))
                        .setIndexMemoryBytes(shard.indexBytes()).setIndexError(indexError == null ? "" : indexError));
            }
            return response.build();
        });
    }

    private static IndexState indexState(Shard shard) {
        if (shard.indexBuilding()) {
            return IndexState.INDEX_BUILDING;
        }
        return shard.indexedRows() > 0 || !"none".equals(shard.indexDescription()) ? IndexState.INDEX_READY
                : IndexState.INDEX_NONE;
    }

    @Override
    public void readRecords(ReadRecordsRequest request, StreamObserver<ReadRecordsResponse> out) {
        VectorGrpcService.unary(out, () -> {
            Collection c = collection(request.getCollection());
            Shard shard = c.shard(SearchExecution.shard(c, request.getShard(), "shard"));
            WriteExecution.checkBatchSize(request.getIdsCount(), maxBatchRows, "ids");
            long[] ids = request.getIdsList().stream().mapToLong(Long::longValue).toArray();
            ReadRecordsResponse.Builder response = ReadRecordsResponse.newBuilder();
            for (ShardWrite w : shard.newestRecords(ids)) {
                response.addRecords(toRecord(w));
            }
            return response.build();
        });
    }

    @Override
    public void shardDigest(ShardDigestRequest request, StreamObserver<ShardDigestResponse> out) {
        VectorGrpcService.unary(out, () -> {
            Collection c = collection(request.getCollection());
            Shard shard = c.shard(SearchExecution.shard(c, request.getShard(), "shard"));
            int buckets = buckets(request.getBuckets());
            ShardDigestResponse.Builder response = ShardDigestResponse.newBuilder();
            for (org.vxdb.storage.shard.BucketDigest d : shard.digest(buckets)) {
                response.addBuckets(BucketDigest.newBuilder().setBucket(d.bucket()).setRecords(d.records())
                        .setHash(d.hash()));
            }
            return response.build();
        });
    }

    private static int buckets(int buckets) {
        if (buckets < 1 || buckets > MAX_DIGEST_BUCKETS) {
            throw new IllegalArgumentException("buckets: " + Integer.toUnsignedString(buckets) + " is invalid: use 1-"
                    + MAX_DIGEST_BUCKETS);
        }
        return buckets;
    }

    @Override
    public void streamRecords(StreamRecordsRequest request, StreamObserver<StreamRecordsResponse> out) {
        ServerCallStreamObserver<StreamRecordsResponse> call = (ServerCallStreamObserver<StreamRecordsResponse>) out;
        try {
            Collection c = collection(request.getCollection());
            Shard shard = c.shard(SearchExecution.shard(c, request.getShard(), "shard"));
            int buckets = buckets(request.getBuckets());
            Set<Integer> wanted = new HashSet<>();
            for (int i = 0; i < request.getBucketFilterCount(); i++) {
                int b = request.getBucketFilter(i);
                if (b < 0 || b >= buckets) {
                    throw new IllegalArgumentException("bucket_filter[" + i + "]: bucket "
                            + Integer.toUnsignedString(b) + " is not below buckets " + buckets);
                }
                wanted.add(b);
            }
            int batch = request.getBatchRows() == 0 ? DEFAULT_STREAM_BATCH : request.getBatchRows();
            if (batch < 0 || batch > maxBatchRows) {
                throw new IllegalArgumentException("batch_rows: " + Integer.toUnsignedString(batch)
                        + " is invalid: use 1-" + maxBatchRows);
            }
            shard.streamRecords(buckets, b -> wanted.isEmpty() || wanted.contains(b), batch, records -> {
                if (call.isCancelled()) {
                    throw new StreamCancelledException();
                }
                StreamRecordsResponse.Builder response = StreamRecordsResponse.newBuilder();
                for (ShardWrite w : records) {
                    response.addRecords(toRecord(w));
                }
                out.onNext(response.build());
            });
            out.onCompleted();
        } catch (StreamCancelledException e) {
            // The client went away; nothing to answer.
        } catch (Exception e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    /** Unwinds a record stream whose client cancelled. */
    private static final class StreamCancelledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamCancelledException() {
            super(null, null, false, false);
        }
    }

    @Override
    public void snapshotShard(SnapshotShardRequest request, StreamObserver<SnapshotShardResponse> out) {
        new SnapshotStreamer(node).serve(request, out);
    }

    @Override
    public StreamObserver<RestoreShardRequest> restoreShard(StreamObserver<RestoreShardResponse> out) {
        return new RestoreReceiver(node, out);
    }

    private static ShardRecord toRecord(ShardWrite w) {
        ShardRecord.Builder r = ShardRecord.newBuilder().setId(w.id()).setVersion(w.version())
                .setOp(w.isDelete() ? RecordOp.DELETE : RecordOp.UPSERT);
        if (!w.isDelete()) {
            for (float x : w.vector()) {
                r.addValues(x);
            }
            r.putAllMetadata(MetadataMapping.toProto(MetadataCodec.decode(w.metadata())));
        }
        return r.build();
    }

    private Collection collection(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        return node.engine().require(name);
    }
}
