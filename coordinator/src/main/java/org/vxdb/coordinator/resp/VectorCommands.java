package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;

/**
 * VxDB's own commands, one per core operation; the collection is the key and ids are unsigned
 * 64-bit decimals. docs/api-resp.md gives the syntax and replies:
 * {@code VECTOR.CREATE}, {@code VECTOR.DROP}, {@code VECTOR.INFO}, {@code VECTOR.LIST},
 * {@code VECTOR.ADD}, {@code VECTOR.MADD}, {@code VECTOR.SEARCH}, {@code VECTOR.GET}, {@code VECTOR.DEL}.
 */
final class VectorCommands {

    private static final Set<String> ADD_OPTIONS = Set.of("META", "CONSISTENCY");
    private static final Set<String> SEARCH_OPTIONS = Set.of("FILTER", "NPROBE", "EF", "WITHMETA", "WITHVECTORS",
            "ALLOWPARTIAL");

    List<CommandSpec> specs() {
        return List.of(
                CommandSpec.named("vector.create", -3).write().key().group("vector").since("0.1.0")
                        .doc("VECTOR.CREATE collection DIM n METRIC L2|IP|COSINE [INDEX spec] [SHARDS n]",
                                "Creates a collection.").handler(this::create),
                CommandSpec.named("vector.drop", 2).write().key().group("vector").since("0.1.0")
                        .doc("VECTOR.DROP collection", "Drops a collection and its vectors.").handler(this::drop),
                CommandSpec.named("vector.info", 2).key().group("vector").since("0.1.0")
                        .doc("VECTOR.INFO collection", "Describes a collection.").handler(this::info),
                CommandSpec.named("vector.list", 1).group("vector").since("0.1.0")
                        .doc("VECTOR.LIST", "Names every collection.").handler(this::list),
                CommandSpec.named("vector.add", -4).write().key().group("vector").since("0.1.0")
                        .doc("VECTOR.ADD collection id (v1 .. vn | FP32 blob) [META json] [CONSISTENCY ONE|QUORUM|ALL]",
                                "Adds or replaces one vector.").handler(this::add),
                CommandSpec.named("vector.madd", -5).write().key().group("vector").since("0.1.0")
                        .doc("VECTOR.MADD collection DIM n [FP32] [WITHMETA] [CONSISTENCY c] id v1 .. vn [json] id ...",
                                "Adds or replaces many vectors in one write.").handler(this::madd),
                CommandSpec.named("vector.search", -5).key().group("vector").since("0.1.0")
                        .doc("VECTOR.SEARCH collection K k (v1 .. vn | FP32 blob) [FILTER expr] [NPROBE n] [EF n]"
                                + " [WITHMETA] [WITHVECTORS] [ALLOWPARTIAL]", "Finds the k nearest vectors.")
                        .handler(this::search),
                CommandSpec.named("vector.get", -3).key().group("vector").since("0.1.0")
                        .doc("VECTOR.GET collection id [id ...]", "Reads vectors and their metadata by id.")
                        .handler(this::get),
                CommandSpec.named("vector.del", -3).write().key().group("vector").since("0.1.0")
                        .doc("VECTOR.DEL collection id [id ...] [CONSISTENCY c]", "Deletes vectors by id.")
                        .handler(this::delete));
    }

    // ------------------------------------------------------------------------------------------
    // Collections

    private CompletionStage<Reply> create(Request r) {
        CollectionSpec.Builder spec = CollectionSpec.newBuilder().setName(r.arg(1));
        for (int i = 2; i < r.argc(); i += 2) {
            String option = r.keyword(i);
            if (i + 1 >= r.argc()) {
                throw CommandException.err("syntax error: " + option + " needs a value");
            }
            switch (option) {
                case "DIM" -> spec.setDimension(unsigned32(r, i + 1, "DIM"));
                case "METRIC" -> spec.setMetric(metric(r.keyword(i + 1)));
                case "INDEX" -> spec.setIndex(r.arg(i + 1));
                case "SHARDS" -> spec.setShardCount(unsigned32(r, i + 1, "SHARDS"));
                default -> throw CommandException.err("syntax error: unknown option '" + VectorArgs.clip(r.arg(i))
                        + "' (DIM, METRIC, INDEX, SHARDS)");
            }
        }
        return r.core().createCollection(r.call(), spec.build()).thenApply(info -> Reply.OK);
    }

    private CompletionStage<Reply> drop(Request r) {
        return r.core().dropCollection(r.call(), r.arg(1)).thenApply(v -> Reply.OK);
    }

    private CompletionStage<Reply> info(Request r) {
        return r.core().describeCollection(r.call(), r.arg(1)).thenApply(VectorCommands::describe);
    }

    static Reply describe(CollectionInfo info) {
        CollectionSpec s = info.getSpec();
        return Reply.map()
                .put("name", s.getName())
                .put("dimension", s.getDimension())
                .put("metric", metricName(s.getMetric()))
                .put("index", s.getIndex())
                .put("shards", s.getShardCount())
                .put("vectors", info.getStats().getVectorCount())
                .put("segments", info.getStats().getSegmentCount())
                .put("buffered-rows", info.getStats().getBufferedRows())
                .put("indexed-rows", info.getStats().getIndexedRows())
                .build();
    }

    private CompletionStage<Reply> list(Request r) {
        return r.core().listCollections(r.call()).thenApply(all -> Reply.array(all.stream()
                .map(c -> Reply.bulk(c.getSpec().getName())).toList()));
    }

    static Metric metric(String word) {
        return switch (word) {
            case "L2" -> Metric.L2;
            case "IP", "INNER_PRODUCT" -> Metric.INNER_PRODUCT;
            case "COSINE" -> Metric.COSINE;
            default -> throw CommandException.err("METRIC must be L2, IP or COSINE, got '" + VectorArgs.clip(word)
                    + "'");
        };
    }

    static String metricName(Metric m) {
        return switch (m) {
            case L2 -> "L2";
            case INNER_PRODUCT -> "IP";
            case COSINE -> "COSINE";
            default -> m.name();
        };
    }

    private static int unsigned32(Request r, int i, String option) {
        Long v = RespNumbers.parseLong(r.arg(i));
        if (v == null || v < 0 || v > 0xFFFF_FFFFL) {
            throw CommandException.err(option + " must be a non-negative integer, got '" + VectorArgs.clip(r.arg(i))
                    + "'");
        }
        return v.intValue();
    }

    // ------------------------------------------------------------------------------------------
    // Writes

    private CompletionStage<Reply> add(Request r) {
        Vector.Builder v = Vector.newBuilder().setId(VectorArgs.id(r, 2));
        int i = 3;
        if (r.keyword(i).equals("FP32") && i + 1 < r.argc()) {
            v.addAllValues(VectorArgs.fp32(r.raw(i + 1)));
            i += 2;
        } else {
            int end = i;
            while (end < r.argc() && !ADD_OPTIONS.contains(r.keyword(end))) {
                end++;
            }
            v.addAllValues(VectorArgs.values(r, i, end - i));
            i = end;
        }
        WriteConsistency consistency = WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED;
        for (; i < r.argc(); i += 2) {
            String option = r.keyword(i);
            if (i + 1 >= r.argc()) {
                throw CommandException.err("syntax error: " + option + " needs a value");
            }
            if (option.equals("META")) {
                v.putAllMetadata(MetadataJson.toMetadata(MetadataJson.parseObject(r.arg(i + 1), "META"), "META"));
            } else {
                consistency = VectorArgs.consistency(r.keyword(i + 1));
            }
        }
        WriteRequest write = WriteRequest.newBuilder().setCollection(r.arg(1)).addVectors(v)
                .setConsistency(consistency).build();
        return r.core().upsert(r.call(), write).thenApply(VectorCommands::written);
    }

    private CompletionStage<Reply> madd(Request r) {
        MaddLayout layout = MaddLayout.read(r);
        WriteRequest.Builder write = WriteRequest.newBuilder().setCollection(r.arg(1))
                .setConsistency(layout.consistency());
        for (int row = 0, i = layout.firstRow(); i < r.argc(); row++, i += layout.width()) {
            write.addVectors(layout.vector(r, row, i));
        }
        return r.core().upsert(r.call(), write.build()).thenApply(VectorCommands::written);
    }

    /** The count written, or an error naming the ids that did not reach the write consistency. */
    static Reply written(WriteResponse response) {
        if (response.getFailuresCount() > 0) {
            throw CommandException.err(notWritten(response));
        }
        return Reply.integer(response.getWritten());
    }

    private static String notWritten(WriteResponse response) {
        StringBuilder reasons = new StringBuilder();
        response.getFailuresList().stream().limit(5).forEach(f -> reasons.append(reasons.isEmpty() ? "" : "; ")
                .append("id ").append(Long.toUnsignedString(f.getId())).append(": ").append(f.getReason()));
        return response.getFailuresCount() + " of " + response.getIdsCount()
                + " vectors did not reach the write consistency (" + reasons + "); writing them again is safe";
    }

    private CompletionStage<Reply> delete(Request r) {
        DeleteRequest.Builder delete = DeleteRequest.newBuilder().setCollection(r.arg(1));
        int end = r.argc();
        if (end >= 4 && r.keyword(end - 2).equals("CONSISTENCY")) {
            delete.setConsistency(VectorArgs.consistency(r.keyword(end - 1)));
            end -= 2;
        }
        for (int i = 2; i < end; i++) {
            delete.addIds(VectorArgs.id(r, i));
        }
        return r.core().delete(r.call(), delete.build()).thenApply(response -> {
            if (response.getFailuresCount() > 0) {
                throw CommandException.err(
                        response.getFailuresCount() + " deletes did not reach the write consistency; deleting again"
                                + " is safe");
            }
            return Reply.integer(response.getDeleted());
        });
    }

    // ------------------------------------------------------------------------------------------
    // Reads

    private CompletionStage<Reply> search(Request r) {
        if (!r.keyword(2).equals("K")) {
            throw CommandException.err("syntax error: VECTOR.SEARCH collection K k (v1 .. vn | FP32 blob) [options]");
        }
        SearchRequest.Builder search = SearchRequest.newBuilder().setCollection(r.arg(1))
                .setK(unsigned32(r, 3, "K"));
        int i = 4;
        if (r.keyword(i).equals("FP32") && i + 1 < r.argc()) {
            search.addAllQuery(VectorArgs.fp32(r.raw(i + 1)));
            i += 2;
        } else {
            int end = i;
            while (end < r.argc() && !SEARCH_OPTIONS.contains(r.keyword(end))) {
                end++;
            }
            search.addAllQuery(VectorArgs.values(r, i, end - i));
            i = end;
        }
        boolean allowPartial = false;
        SearchParams.Builder params = SearchParams.newBuilder();
        for (; i < r.argc(); i++) {
            String option = r.keyword(i);
            switch (option) {
                case "WITHMETA" -> search.setIncludeMetadata(true);
                case "WITHVECTORS" -> search.setIncludeVectors(true);
                case "ALLOWPARTIAL" -> allowPartial = true;
                default -> {
                    if (i + 1 >= r.argc()) {
                        throw CommandException.err("syntax error: " + option + " needs a value");
                    }
                    i++;
                    switch (option) {
                        case "FILTER" -> search.setFilter(VectorArgs.filter(r.arg(i), false));
                        case "NPROBE" -> params.setNprobe(unsigned32(r, i, "NPROBE"));
                        default -> params.setEfSearch(unsigned32(r, i, "EF"));
                    }
                }
            }
        }
        SearchRequest request = search.setParams(params).build();
        boolean partialOk = allowPartial;
        return r.core().search(r.call(), request).thenApply(response -> hits(response, request, partialOk));
    }

    private static Reply hits(SearchResponse response, SearchRequest request, boolean allowPartial) {
        if (response.getPartial() && !allowPartial) {
            throw CommandException.err("search incomplete: cluster ranges "
                    + String.join(", ", response.getUnavailableRangesList())
                    + " did not answer (ALLOWPARTIAL accepts a partial answer)");
        }
        List<Reply> out = new ArrayList<>(response.getHitsCount());
        for (SearchHit hit : response.getHitsList()) {
            Reply.MapBuilder m = Reply.map()
                    .put("id", Long.toUnsignedString(hit.getId()))
                    .put("distance", Reply.dbl(hit.getDistance()));
            if (request.getIncludeMetadata()) {
                m.put("metadata", MetadataJson.reply(hit.getMetadataMap()));
            }
            if (request.getIncludeVectors()) {
                m.put("vector", doubles(hit.getValuesList(), 1.0));
            }
            out.add(m.build());
        }
        return Reply.array(out);
    }

    private CompletionStage<Reply> get(Request r) {
        GetRequest.Builder get = GetRequest.newBuilder().setCollection(r.arg(1)).setIncludeVectors(true)
                .setIncludeMetadata(true);
        for (int i = 2; i < r.argc(); i++) {
            get.addIds(VectorArgs.id(r, i));
        }
        GetRequest request = get.build();
        return r.core().get(r.call(), request).thenApply(response -> {
            Map<Long, StoredVector> found = new java.util.HashMap<>();
            response.getVectorsList().forEach(v -> found.put(v.getId(), v));
            List<Reply> out = new ArrayList<>(request.getIdsCount());
            for (long id : request.getIdsList()) {
                StoredVector v = found.get(id);
                out.add(v == null ? Reply.NULL : Reply.map()
                        .put("id", Long.toUnsignedString(id))
                        .put("vector", doubles(v.getValuesList(), 1.0))
                        .put("metadata", MetadataJson.reply(v.getMetadataMap()))
                        .build());
            }
            return Reply.array(out);
        });
    }

    /**
     * Float components as doubles (RESP3) or their decimal text (RESP2), each multiplied by
     * {@code scale} and written at float precision.
     */
    static Reply doubles(List<Float> values, double scale) {
        List<Reply> out = new ArrayList<>(values.size());
        for (float f : values) {
            out.add(Reply.dbl(scale == 1.0 ? f : (float) (f * scale)));
        }
        return Reply.array(out);
    }
}
