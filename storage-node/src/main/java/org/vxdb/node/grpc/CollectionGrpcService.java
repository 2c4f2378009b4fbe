package org.vxdb.node.grpc;

import io.grpc.stub.StreamObserver;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.AddMetadataIndexResponse;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.CreateCollectionResponse;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.DescribeCollectionResponse;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.DropCollectionResponse;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.ListCollectionsResponse;
import org.vxdb.node.config.CollectionDefaults;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.StorageEngine;

/** Collection lifecycle on one node; unset spec fields take the node's configured defaults. */
public final class CollectionGrpcService extends CollectionServiceGrpc.CollectionServiceImplBase {

    private final NodeState node;
    private final CollectionDefaults defaults;

    public CollectionGrpcService(NodeState node, CollectionDefaults defaults) {
        this.node = node;
        this.defaults = defaults;
    }

    @Override
    public void createCollection(CreateCollectionRequest request, StreamObserver<CreateCollectionResponse> out) {
        VectorGrpcService.unary(out, () -> {
            if (!request.hasSpec()) {
                throw new IllegalArgumentException("spec: required");
            }
            CollectionConfig config = CollectionMapping.toConfig(request.getSpec(), defaults);
            Collection c = node.engine().createCollection(config);
            return CreateCollectionResponse.newBuilder().setCollection(info(c)).build();
        });
    }

    @Override
    public void describeCollection(DescribeCollectionRequest request, StreamObserver<DescribeCollectionResponse> out) {
        VectorGrpcService.unary(out, () -> DescribeCollectionResponse.newBuilder()
                .setCollection(info(require(node.engine(), request.getName()))).build());
    }

    @Override
    public void listCollections(ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> out) {
        VectorGrpcService.unary(out, () -> {
            StorageEngine engine = node.engine();
            ListCollectionsResponse.Builder response = ListCollectionsResponse.newBuilder();
            for (CollectionConfig c : engine.listCollections()) {
                // Dropped between listing and describing: leave it out.
                engine.collection(c.name()).ifPresent(open -> response.addCollections(info(open)));
            }
            return response.build();
        });
    }

    @Override
    public void dropCollection(DropCollectionRequest request, StreamObserver<DropCollectionResponse> out) {
        VectorGrpcService.unary(out, () -> {
            if (request.getName().isEmpty()) {
                throw new IllegalArgumentException("name: required");
            }
            node.engine().dropCollection(request.getName());
            return DropCollectionResponse.getDefaultInstance();
        });
    }

    @Override
    public void addMetadataIndex(AddMetadataIndexRequest request, StreamObserver<AddMetadataIndexResponse> out) {
        VectorGrpcService.unary(out, () -> {
            if (request.getCollection().isEmpty()) {
                throw new IllegalArgumentException("collection: required");
            }
            if (!request.hasIndex()) {
                throw new IllegalArgumentException("index: required");
            }
            StorageEngine engine = node.engine();
            engine.addMetadataIndex(request.getCollection(), CollectionMapping.metadataIndex(request.getIndex(),
                    "index"));
            return AddMetadataIndexResponse.newBuilder().setCollection(info(engine.require(request.getCollection())))
                    .build();
        });
    }

    static Collection require(StorageEngine engine, String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        return engine.require(name);
    }

    static CollectionInfo info(Collection c) {
        return CollectionInfo.newBuilder().setSpec(CollectionMapping.toSpec(c.config()))
                .setStats(CollectionMapping.stats(c)).build();
    }
}
