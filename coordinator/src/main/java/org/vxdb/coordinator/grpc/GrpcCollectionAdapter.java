package org.vxdb.coordinator.grpc;

import io.grpc.stub.StreamObserver;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.AddMetadataIndexResponse;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.CreateCollectionResponse;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.DescribeCollectionResponse;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.DropCollectionResponse;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.ListCollectionsResponse;
import org.vxdb.coordinator.core.CoordinatorCore;

/** vxdb.v1 CollectionService over the core: decode, call, encode. */
public final class GrpcCollectionAdapter extends CollectionServiceGrpc.CollectionServiceImplBase {

    private final CoordinatorCore core;

    public GrpcCollectionAdapter(CoordinatorCore core) {
        this.core = core;
    }

    @Override
    public void createCollection(CreateCollectionRequest request, StreamObserver<CreateCollectionResponse> out) {
        GrpcCalls.answer(core.createCollection(GrpcCalls.context(core.defaultDeadline()),
                        request.hasSpec() ? request.getSpec() : null),
                info -> CreateCollectionResponse.newBuilder().setCollection(info).build(), out);
    }

    @Override
    public void describeCollection(DescribeCollectionRequest request, StreamObserver<DescribeCollectionResponse> out) {
        GrpcCalls.answer(core.describeCollection(GrpcCalls.context(core.defaultDeadline()), request.getName()),
                info -> DescribeCollectionResponse.newBuilder().setCollection(info).build(), out);
    }

    @Override
    public void listCollections(ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> out) {
        GrpcCalls.answer(core.listCollections(GrpcCalls.context(core.defaultDeadline())),
                list -> ListCollectionsResponse.newBuilder().addAllCollections(list).build(), out);
    }

    @Override
    public void addMetadataIndex(AddMetadataIndexRequest request, StreamObserver<AddMetadataIndexResponse> out) {
        GrpcCalls.answer(core.addMetadataIndex(GrpcCalls.context(core.defaultDeadline()), request),
                info -> AddMetadataIndexResponse.newBuilder().setCollection(info).build(), out);
    }

    @Override
    public void dropCollection(DropCollectionRequest request, StreamObserver<DropCollectionResponse> out) {
        GrpcCalls.answer(core.dropCollection(GrpcCalls.context(core.defaultDeadline()), request.getName()),
                none -> DropCollectionResponse.getDefaultInstance(), out);
    }
}
