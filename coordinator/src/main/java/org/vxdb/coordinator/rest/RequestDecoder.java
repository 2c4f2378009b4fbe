package org.vxdb.coordinator.rest;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.FsyncPolicy;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.MetadataIndexKind;
import org.vxdb.api.v1.MetadataIndexSpec;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import tools.jackson.databind.JsonNode;

/**
 * JSON request bodies into the core's requests. Only the JSON is checked here (types, unknown
 * fields, enum spellings, id ranges); every rule about the values themselves (dimensions, names,
 * batch sizes, k) is the core's, so its message reaches the client unchanged.
 */
final class RequestDecoder {

    private static final Set<String> SPEC_FIELDS = Set.of("name", "dimension", "metric", "index", "shard_count",
            "buffer_rows", "buffer_bytes", "buffer_age_millis", "fsync_policy", "batch_window_micros",
            "metadata_indexes", "recall_target");
    private static final Set<String> METADATA_INDEX_FIELDS = Set.of("field", "kind");
    private static final List<String> METADATA_INDEX_KINDS = List.of("inverted", "ordered");
    private static final Set<String> WRITE_FIELDS = Set.of("vectors", "consistency");
    private static final Set<String> GET_FIELDS = Set.of("ids", "include_vectors", "include_metadata", "consistency");
    private static final Set<String> DELETE_FIELDS = Set.of("ids", "consistency");
    private static final Set<String> SEARCH_FIELDS = Set.of("vector", "vector_f32", "k", "filter", "params",
            "include_vectors", "include_metadata", "explain");
    private static final Set<String> PARAMS_FIELDS = Set.of("nprobe", "ef_search", "recall_target");

    private RequestDecoder() {
    }

    static CollectionSpec spec(JsonNode body) {
        JsonFields f = JsonFields.of(body, "", SPEC_FIELDS);
        CollectionSpec.Builder spec = CollectionSpec.newBuilder()
                .setName(f.string("name", ""))
                .setDimension(f.uint32("dimension"))
                .setIndex(f.string("index", ""))
                .setShardCount(f.uint32("shard_count"))
                .setBufferRows(f.uint32("buffer_rows"))
                .setBufferBytes(f.uint64("buffer_bytes"))
                .setBufferAgeMillis(f.uint64("buffer_age_millis"))
                .setBatchWindowMicros(f.uint64("batch_window_micros"))
                .setRecallTarget(f.decimal("recall_target"));
        String metric = f.string("metric", null);
        if (metric != null) {
            spec.setMetric(enumValue(Metric.class, "", metric, f.at("metric"), List.of("l2", "inner_product", "cosine")));
        }
        String fsync = f.string("fsync_policy", null);
        if (fsync != null) {
            spec.setFsyncPolicy(enumValue(FsyncPolicy.class, "fsync_", fsync, f.at("fsync_policy"),
                    List.of("always", "batch", "none")));
        }
        if (f.has("metadata_indexes")) {
            List<JsonNode> indexes = f.array("metadata_indexes");
            for (int i = 0; i < indexes.size(); i++) {
                spec.addMetadataIndexes(metadataIndex(indexes.get(i), f.at("metadata_indexes") + "[" + i + "]"));
            }
        }
        return spec.build();
    }

    /** {@code {"field": "price", "kind": "ordered"}}; errors are prefixed with {@code at}. */
    static MetadataIndexSpec metadataIndex(JsonNode body, String at) {
        JsonFields f = JsonFields.of(body, at, METADATA_INDEX_FIELDS);
        MetadataIndexSpec.Builder index = MetadataIndexSpec.newBuilder().setField(f.string("field", ""));
        String kind = f.string("kind", null);
        if (kind != null) {
            index.setKind(enumValue(MetadataIndexKind.class, "metadata_index_", kind, f.at("kind"),
                    METADATA_INDEX_KINDS));
        }
        return index.build();
    }

    static AddMetadataIndexRequest addMetadataIndex(String collection, JsonNode body) {
        return AddMetadataIndexRequest.newBuilder().setCollection(collection).setIndex(metadataIndex(body, ""))
                .build();
    }

    static WriteRequest write(String collection, JsonNode body) {
        JsonFields f = JsonFields.of(body, "", WRITE_FIELDS);
        WriteRequest.Builder request = WriteRequest.newBuilder().setCollection(collection)
                .setConsistency(consistency(f.string("consistency", null), f.at("consistency")));
        List<JsonNode> vectors = f.array("vectors");
        for (int i = 0; i < vectors.size(); i++) {
            String at = "vectors[" + i + "]";
            request.addVectors(VectorJson.vector(vectors.get(i), at, at));
        }
        return request.build();
    }

    static GetRequest get(String collection, JsonNode body) {
        JsonFields f = JsonFields.of(body, "", GET_FIELDS);
        GetRequest.Builder request = GetRequest.newBuilder().setCollection(collection)
                .setIncludeVectors(f.bool("include_vectors")).setIncludeMetadata(f.bool("include_metadata"))
                .setConsistency(consistency(f.string("consistency", null), f.at("consistency")));
        List<JsonNode> ids = f.array("ids");
        for (int i = 0; i < ids.size(); i++) {
            request.addIds(JsonFields.uint64(ids.get(i), "ids[" + i + "]"));
        }
        return request.build();
    }

    static DeleteRequest delete(String collection, JsonNode body) {
        JsonFields f = JsonFields.of(body, "", DELETE_FIELDS);
        DeleteRequest.Builder request = DeleteRequest.newBuilder().setCollection(collection)
                .setConsistency(consistency(f.string("consistency", null), f.at("consistency")));
        List<JsonNode> ids = f.array("ids");
        for (int i = 0; i < ids.size(); i++) {
            request.addIds(JsonFields.uint64(ids.get(i), "ids[" + i + "]"));
        }
        return request.build();
    }

    static SearchRequest search(String collection, JsonNode body) {
        JsonFields f = JsonFields.of(body, "", SEARCH_FIELDS);
        SearchRequest.Builder request = SearchRequest.newBuilder().setCollection(collection)
                .setK(f.uint32("k"))
                .setIncludeVectors(f.bool("include_vectors")).setIncludeMetadata(f.bool("include_metadata"))
                .setExplain(f.bool("explain"));
        float[] packed = f.float32s("vector_f32");
        if (packed != null) {
            if (f.has("vector")) {
                throw RestError.invalid("request body: give vector or vector_f32, not both");
            }
            for (float x : packed) {
                request.addQuery(x);
            }
        }
        List<JsonNode> vector = f.array("vector");
        for (int i = 0; i < vector.size(); i++) {
            JsonNode x = vector.get(i);
            request.addQuery(x.isNumber() ? (float) x.doubleValue() : JsonFields.number(x, "vector[" + i + "]"));
        }
        if (f.get("filter") != null) {
            request.setFilter(FilterJson.filter(f.get("filter"), "filter"));
        }
        if (f.get("params") != null) {
            JsonFields p = JsonFields.of(f.get("params"), "params", PARAMS_FIELDS);
            request.setParams(SearchParams.newBuilder().setNprobe(p.uint32("nprobe"))
                    .setEfSearch(p.uint32("ef_search")).setRecallTarget(p.decimal("recall_target")));
        }
        return request.build();
    }

    /** "one", "quorum", "all"; null (absent) is the coordinator's configured default. */
    static WriteConsistency consistency(String text, String at) {
        if (text == null) {
            return WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED;
        }
        return enumValue(WriteConsistency.class, "", text, at, List.of("one", "quorum", "all"));
    }

    /** The constant spelt {@code prefix + text} in upper case, when {@code text} is one of {@code spellings}. */
    private static <E extends Enum<E>> E enumValue(Class<E> type, String prefix, String text, String at,
                                                   List<String> spellings) {
        if (!spellings.contains(text)) {
            throw RestError.invalid(at + ": '" + text + "' is invalid: use " + String.join(", ", spellings));
        }
        return Enum.valueOf(type, (prefix + text).toUpperCase(Locale.ROOT));
    }

    /** The lower-case JSON spelling of an enum constant ({@code INNER_PRODUCT} -> {@code inner_product}). */
    static String spelling(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
