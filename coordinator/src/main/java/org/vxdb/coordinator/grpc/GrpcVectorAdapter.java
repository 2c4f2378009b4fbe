package org.vxdb.coordinator.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.DeleteResponse;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StreamWriteAck;
import org.vxdb.api.v1.StreamWriteRequest;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.core.CoordinatorCore;

/** vxdb.v1 VectorService over the core: decode, call, encode. */
public final class GrpcVectorAdapter extends VectorServiceGrpc.VectorServiceImplBase {

    private final CoordinatorCore core;

    public GrpcVectorAdapter(CoordinatorCore core) {
        this.core = core;
    }

    @Override
    public void insert(WriteRequest request, StreamObserver<WriteResponse> out) {
        GrpcCalls.answer(core.insert(GrpcCalls.context(core.defaultDeadline()), request), Function.identity(), out);
    }

    @Override
    public void upsert(WriteRequest request, StreamObserver<WriteResponse> out) {
        GrpcCalls.answer(core.upsert(GrpcCalls.context(core.defaultDeadline()), request), Function.identity(), out);
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> out) {
        GrpcCalls.answer(core.get(GrpcCalls.context(core.defaultDeadline()), request), Function.identity(), out);
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
        GrpcCalls.answer(core.delete(GrpcCalls.context(core.defaultDeadline()), request), Function.identity(), out);
    }

    /**
     * Where each call runs, for a server whose own executor is direct: {@code Search} and the health
     * check on the transport thread that read them, every other method on {@code workers}. A search
     * does not block before its fan-out when its collection's spec is cached (the core then starts it
     * right there) and is handed to a core thread otherwise, so this saves every handoff of the call
     * (method lookup and the interceptors, message, half-close, completion) to a worker and back: the
     * coordinator's share of a search's latency on a machine with few cores. The method lookup and the
     * interceptors (which do not block) run on the transport thread for every method.
     */
    public static ServerCallExecutorSupplier calls(Executor workers) {
        // The health check (a map lookup) answers on the transport thread too: the hop floor the
        // benchmarks measure beside every figure is then the transport's alone.
        java.util.Set<String> direct = java.util.Set.of(VectorServiceGrpc.getSearchMethod().getFullMethodName(),
                io.grpc.health.v1.HealthGrpc.getCheckMethod().getFullMethodName());
        return new ServerCallExecutorSupplier() {
            @Override
            public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
                return direct.contains(call.getMethodDescriptor().getFullMethodName()) ? null : workers;
            }
        };
    }

    @Override
    public void search(SearchRequest request, StreamObserver<SearchResponse> out) {
        // On the transport thread (calls): the core starts the search here only if nothing before the
        // fan-out blocks, else on a core thread.
        GrpcCalls.answer(core.search(GrpcCalls.transportContext(core.defaultDeadline()), request), Function.identity(),
                out);
    }

    /**
     * One batch at a time: the next message is requested only once the previous batch is
     * acknowledged, so a fast client is held back by gRPC flow control instead of queueing batches
     * here. The collection named by the first batch applies to later batches that leave it empty.
     */
    @Override
    public StreamObserver<StreamWriteRequest> streamUpsert(StreamObserver<StreamWriteAck> out) {
        ServerCallStreamObserver<StreamWriteAck> call = (ServerCallStreamObserver<StreamWriteAck>) out;
        call.disableAutoRequest();
        call.request(1);
        return new StreamObserver<>() {
            private String collection = "";
            private volatile boolean failed;
            private volatile boolean halfClosed;
            private volatile boolean busy;

            @Override
            public void onNext(StreamWriteRequest batch) {
                if (failed || call.isCancelled()) {
                    return;
                }
                WriteRequest request = batch.getBatch();
                if (!request.getCollection().isEmpty()) {
                    collection = request.getCollection();
                } else if (!collection.isEmpty()) {
                    request = request.toBuilder().setCollection(collection).build();
                }
                busy = true;
                core.upsert(GrpcCalls.context(core.defaultDeadline()), request).whenComplete((result, failure) -> {
                    synchronized (this) {
                        busy = false;
                        if (failure != null) {
                            failed = true;
                            out.onError(GrpcErrors.toStatus(failure));
                            return;
                        }
                        if (call.isCancelled()) {
                            return;
                        }
                        out.onNext(StreamWriteAck.newBuilder().setSequence(batch.getSequence()).setResult(result)
                                .build());
                        if (halfClosed) {
                            out.onCompleted();
                        } else {
                            call.request(1);
                        }
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                failed = true;
            }

            @Override
            public void onCompleted() {
                synchronized (this) {
                    halfClosed = true;
                    if (!failed && !busy) {
                        out.onCompleted();
                    }
                }
            }
        };
    }
}
