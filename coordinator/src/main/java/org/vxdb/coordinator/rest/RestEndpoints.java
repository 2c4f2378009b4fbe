package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.rest.RestRoutes.Body;
import tools.jackson.databind.JsonNode;

/**
 * What each path does: decode the JSON body, call the core, encode its answer. Nothing here
 * judges values; the core does, and its errors pass through unchanged.
 */
final class RestEndpoints {

    static final String STREAM_SUFFIX = "vectors:stream";
    private static final Set<String> TIMEOUT = Set.of(RestHeaders.TIMEOUT_PARAM);
    /** The stream and the one-id get and delete take the consistency as a query parameter (they have no JSON body). */
    private static final Set<String> WITH_CONSISTENCY = Set.of(RestHeaders.TIMEOUT_PARAM, "consistency");

    private final CoordinatorCore core;

    private RestEndpoints(CoordinatorCore core) {
        this.core = core;
    }

    /** Every route of the API over {@code core}. */
    static RestRoutes routes(CoordinatorCore core) {
        RestEndpoints e = new RestEndpoints(core);
        String collections = "/v1/collections";
        String collection = collections + "/{name}";
        String vectors = collection + "/vectors";
        return new RestRoutes()
                .add(HttpMethod.POST, collections, "CreateCollection", Body.JSON, TIMEOUT, e::create)
                .add(HttpMethod.GET, collections, "ListCollections", Body.NONE, TIMEOUT, e::list)
                .add(HttpMethod.GET, collection, "DescribeCollection", Body.NONE, TIMEOUT, e::describe)
                .add(HttpMethod.DELETE, collection, "DropCollection", Body.NONE, TIMEOUT, e::drop)
                .add(HttpMethod.POST, collection + "/metadata-indexes", "AddMetadataIndex", Body.JSON, TIMEOUT,
                        e::addMetadataIndex)
                .add(HttpMethod.POST, vectors, "Insert", Body.JSON, TIMEOUT, e::insert)
                .add(HttpMethod.PUT, vectors, "Upsert", Body.JSON, TIMEOUT, e::upsert)
                .add(HttpMethod.POST, vectors + "/get", "Get", Body.JSON, TIMEOUT, e::get)
                .add(HttpMethod.POST, vectors + "/delete", "Delete", Body.JSON, TIMEOUT, e::delete)
                .add(HttpMethod.GET, vectors + "/{id}", "GetVector", Body.NONE, WITH_CONSISTENCY, e::getOne)
                .add(HttpMethod.DELETE, vectors + "/{id}", "DeleteVector", Body.NONE, WITH_CONSISTENCY, e::deleteOne)
                .add(HttpMethod.POST, collection + "/" + STREAM_SUFFIX, "StreamUpsert", Body.NDJSON, WITH_CONSISTENCY,
                        null)
                .add(HttpMethod.POST, collection + "/search", "Search", Body.JSON, TIMEOUT, e::search)
                .add(HttpMethod.GET, "/v1/cluster", "ClusterStatus", Body.NONE, TIMEOUT, e::cluster)
                .add(HttpMethod.GET, collection + "/shards", "DescribeShards", Body.NONE, TIMEOUT, e::shards)
                .add(HttpMethod.GET, "/v1/metrics/live", "WatchMetrics", Body.EVENTS, Set.of(), null)
                .addOpen(HttpMethod.GET, "/", "Dashboard", RestEndpoints::dashboardRedirect)
                .addOpen(HttpMethod.GET, "/dashboard", "Dashboard", RestEndpoints::dashboardRedirect)
                .addOpen(HttpMethod.GET, DashboardAssets.BASE, "Dashboard", RestEndpoints::dashboardFile)
                .addOpen(HttpMethod.GET, DashboardAssets.BASE + "{file}", "Dashboard", RestEndpoints::dashboardFile)
                .addOpen(HttpMethod.GET, DashboardAssets.BASE + "vendor/{file}", "Dashboard",
                        RestEndpoints::dashboardVendorFile)
                .add(HttpMethod.GET, "/openapi.yaml", "OpenApi", Body.NONE, Set.of(), RestEndpoints::openApiYaml)
                .add(HttpMethod.GET, "/openapi.json", "OpenApi", Body.NONE, Set.of(), RestEndpoints::openApiJson);
    }

    private CompletableFuture<RestResponse> create(RestCall call, Map<String, String> params, JsonNode body) {
        return core.createCollection(call.context(), RequestDecoder.spec(body)).thenApply(info ->
                RestResponse.json(HttpResponseStatus.CREATED, ResponseEncoder.collection(info))
                        .withHeader("Location", "/v1/collections/" + info.getSpec().getName()));
    }

    private CompletableFuture<RestResponse> list(RestCall call, Map<String, String> params, JsonNode body) {
        return core.listCollections(call.context()).thenApply(l -> RestResponse.ok(ResponseEncoder.collections(l)));
    }

    private CompletableFuture<RestResponse> describe(RestCall call, Map<String, String> params, JsonNode body) {
        return core.describeCollection(call.context(), params.get("name"))
                .thenApply(info -> RestResponse.ok(ResponseEncoder.collection(info)));
    }

    private CompletableFuture<RestResponse> addMetadataIndex(RestCall call, Map<String, String> params,
                                                             JsonNode body) {
        return core.addMetadataIndex(call.context(), RequestDecoder.addMetadataIndex(params.get("name"), body))
                .thenApply(info -> RestResponse.ok(ResponseEncoder.collection(info)));
    }

    private CompletableFuture<RestResponse> drop(RestCall call, Map<String, String> params, JsonNode body) {
        return core.dropCollection(call.context(), params.get("name")).thenApply(v -> RestResponse.noContent());
    }

    private CompletableFuture<RestResponse> insert(RestCall call, Map<String, String> params, JsonNode body) {
        return core.insert(call.context(), RequestDecoder.write(params.get("name"), body))
                .thenApply(r -> RestResponse.ok(ResponseEncoder.write(r)));
    }

    private CompletableFuture<RestResponse> upsert(RestCall call, Map<String, String> params, JsonNode body) {
        return core.upsert(call.context(), RequestDecoder.write(params.get("name"), body))
                .thenApply(r -> RestResponse.ok(ResponseEncoder.write(r)));
    }

    private CompletableFuture<RestResponse> get(RestCall call, Map<String, String> params, JsonNode body) {
        GetRequest request = RequestDecoder.get(params.get("name"), body);
        return core.get(call.context(), request).thenApply(r -> RestResponse.ok(
                ResponseEncoder.get(r, request.getIncludeVectors(), request.getIncludeMetadata())));
    }

    private CompletableFuture<RestResponse> delete(RestCall call, Map<String, String> params, JsonNode body) {
        return core.delete(call.context(), RequestDecoder.delete(params.get("name"), body))
                .thenApply(r -> RestResponse.ok(ResponseEncoder.delete(r)));
    }

    private CompletableFuture<RestResponse> search(RestCall call, Map<String, String> params, JsonNode body) {
        SearchRequest request = RequestDecoder.search(params.get("name"), body);
        return core.search(call.context(), request).thenApply(r -> RestResponse.ok(
                ResponseEncoder.search(r, request.getIncludeVectors(), request.getIncludeMetadata())));
    }

    private CompletableFuture<RestResponse> cluster(RestCall call, Map<String, String> params, JsonNode body) {
        return core.clusterStatus(call.context()).thenApply(c -> RestResponse.ok(StatusEncoder.cluster(c)));
    }

    private CompletableFuture<RestResponse> shards(RestCall call, Map<String, String> params, JsonNode body) {
        return core.describeShards(call.context(), params.get("name"))
                .thenApply(c -> RestResponse.ok(StatusEncoder.shards(c)));
    }

    private static CompletableFuture<RestResponse> dashboardRedirect(RestCall call, Map<String, String> params,
                                                                     JsonNode body) {
        return CompletableFuture.completedFuture(DashboardAssets.redirect());
    }

    private static CompletableFuture<RestResponse> dashboardFile(RestCall call, Map<String, String> params,
                                                                 JsonNode body) {
        return CompletableFuture.completedFuture(DashboardAssets.file(params.getOrDefault("file", "")));
    }

    private static CompletableFuture<RestResponse> dashboardVendorFile(RestCall call, Map<String, String> params,
                                                                       JsonNode body) {
        return CompletableFuture.completedFuture(DashboardAssets.file("vendor/" + params.get("file")));
    }

    /** One vector with its values and metadata; 404 when the id does not exist. */
    private CompletableFuture<RestResponse> getOne(RestCall call, Map<String, String> params, JsonNode body) {
        long id = pathId(params);
        GetRequest request = GetRequest.newBuilder().setCollection(params.get("name")).addIds(id)
                .setIncludeVectors(true).setIncludeMetadata(true)
                .setConsistency(RequestDecoder.consistency(call.query().get("consistency"), "consistency")).build();
        return core.get(call.context(), request).thenApply(r -> {
            if (r.getVectorsCount() == 0) {
                throw VxdbException.notFound("vector " + VectorJson.id(id) + " does not exist in collection '"
                        + request.getCollection() + "'");
            }
            return RestResponse.ok(ResponseEncoder.storedVector(r.getVectors(0), true, true));
        });
    }

    private CompletableFuture<RestResponse> deleteOne(RestCall call, Map<String, String> params, JsonNode body) {
        DeleteRequest request = DeleteRequest.newBuilder().setCollection(params.get("name")).addIds(pathId(params))
                .setConsistency(RequestDecoder.consistency(call.query().get("consistency"), "consistency"))
                .build();
        return core.delete(call.context(), request).thenApply(r -> RestResponse.ok(ResponseEncoder.delete(r)));
    }

    private static long pathId(Map<String, String> params) {
        return JsonFields.uint64(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(params.get("id")),
                "id");
    }

    private static CompletableFuture<RestResponse> openApiYaml(RestCall call, Map<String, String> params,
                                                               JsonNode body) {
        return CompletableFuture.completedFuture(new RestResponse(HttpResponseStatus.OK, OpenApiDocument.YAML_TYPE,
                OpenApiDocument.yaml(), Map.of()));
    }

    private static CompletableFuture<RestResponse> openApiJson(RestCall call, Map<String, String> params,
                                                               JsonNode body) {
        return CompletableFuture.completedFuture(new RestResponse(HttpResponseStatus.OK, RestResponse.JSON,
                OpenApiDocument.json(), Map.of()));
    }
}
