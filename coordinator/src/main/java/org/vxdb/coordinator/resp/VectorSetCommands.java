package org.vxdb.coordinator.resp;

import static java.util.concurrent.CompletableFuture.completedFuture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;

/**
 * Redis 8's vector-set commands over collections: the key is a COSINE collection of the same
 * name, an element is a row whose id is the hash of its name ({@link VectorSetRows}). VADD and
 * VSIM have their own classes; the small ones are here, with DEL, EXISTS and TYPE on keys.
 */
final class VectorSetCommands {

    List<CommandSpec> specs() {
        List<CommandSpec> specs = new ArrayList<>(List.of(
                vset("vrem", 3, true, "VREM key element", "Removes an element.", this::vrem),
                vset("vcard", 2, false, "VCARD key", "Counts the elements (vectors) of the key.", this::vcard),
                vset("vdim", 2, false, "VDIM key", "The dimension of the key's vectors.", this::vdim),
                vset("vemb", -3, false, "VEMB key element [RAW]", "The vector of an element.", this::vemb),
                vset("vgetattr", 3, false, "VGETATTR key element", "The JSON attributes of an element.",
                        this::vgetattr),
                vset("vsetattr", 4, true, "VSETATTR key element json", "Sets (\"\" removes) an element's attributes.",
                        this::vsetattr),
                vset("vinfo", 2, false, "VINFO key", "Describes the vector set.", this::vinfo),
                vset("vismember", 3, false, "VISMEMBER key element", "Whether the element exists.", this::vismember),
                unsupported("vrandmember", -2, "VRANDMEMBER key [count]"),
                unsupported("vlinks", -3, "VLINKS key element [WITHSCORES]"),
                unsupported("vrange", -4, "VRANGE key start end [count]"),
                CommandSpec.named("del", -2).write().key().group("keyspace")
                        .doc("DEL key [key ...]", "Drops the collections named (vector sets or not); replies how"
                                + " many existed.").handler(this::del),
                CommandSpec.named("exists", -2).key().group("keyspace").since("1.0.0")
                        .doc("EXISTS key [key ...]", "Counts the keys that name a collection.").handler(this::exists),
                CommandSpec.named("type", 2).key().group("keyspace")
                        .doc("TYPE key", "vectorset for a collection, none otherwise.").handler(this::type)));
        specs.add(new VaddCommand().spec());
        specs.add(new VsimCommand().spec());
        return specs;
    }

    private static CommandSpec vset(String name, int arity, boolean write, String syntax, String summary,
                                    CommandSpec.Handler handler) {
        CommandSpec.Builder b = CommandSpec.named(name, arity).key().group("vectorset").since("8.0.0")
                .doc(syntax, summary);
        return (write ? b.write() : b).handler(handler);
    }

    private static CommandSpec unsupported(String name, int arity, String syntax) {
        return CommandSpec.named(name, arity).key().group("vectorset").since("8.0.0")
                .doc(syntax, "Not supported by VxDB.")
                .handler(r -> {
                    throw CommandException.err(name.toUpperCase(java.util.Locale.ROOT)
                            + " is not supported by VxDB (its vector sets have no HNSW graph of their own to sample"
                            + " or walk)");
                });
    }

    // ------------------------------------------------------------------------------------------

    private CompletionStage<Reply> vrem(Request r) {
        String key = r.arg(1);
        String element = VectorSetRows.elementName(r.raw(2));
        long id = VectorSetRows.idOf(r.raw(2));
        return VectorSetKeys.describeSet(r, key)
                .thenCompose(info -> info == null ? completedFuture(null) : VectorSetKeys.row(r, key, id, false))
                .thenCompose(row -> {
                    if (row == null) {
                        return completedFuture(Reply.bool(false));
                    }
                    VectorSetKeys.requireSameElement(row, element, key);
                    DeleteRequest delete = DeleteRequest.newBuilder().setCollection(key).addIds(id).build();
                    return r.core().delete(r.call(), delete).thenApply(response -> {
                        if (response.getFailuresCount() > 0) {
                            throw CommandException.err("the delete did not reach the write consistency; VREM again"
                                    + " is safe");
                        }
                        return Reply.bool(true);
                    });
                });
    }

    private CompletionStage<Reply> vcard(Request r) {
        return VectorSetKeys.describeSet(r, r.arg(1))
                .thenApply(info -> Reply.integer(info == null ? 0 : info.getStats().getVectorCount()));
    }

    private CompletionStage<Reply> vdim(Request r) {
        return VectorSetKeys.describeSet(r, r.arg(1)).thenApply(info -> {
            if (info == null) {
                throw CommandException.err("key does not exist");
            }
            return Reply.integer(info.getSpec().getDimension());
        });
    }

    private CompletionStage<Reply> vinfo(Request r) {
        return VectorSetKeys.describeSet(r, r.arg(1)).thenApply(info -> info == null ? Reply.NULL_ARRAY
                : Reply.map()
                        .put("quant-type", "f32")
                        .put("vector-dim", info.getSpec().getDimension())
                        .put("size", info.getStats().getVectorCount())
                        .put("metric", VectorCommands.metricName(info.getSpec().getMetric()))
                        .put("index", info.getSpec().getIndex())
                        .put("shards", info.getSpec().getShardCount())
                        .put("segments", info.getStats().getSegmentCount())
                        .put("indexed-rows", info.getStats().getIndexedRows())
                        .build());
    }

    private CompletionStage<Reply> vemb(Request r) {
        boolean raw = false;
        for (int i = 3; i < r.argc(); i++) {
            if (!r.keyword(i).equals("RAW")) {
                throw CommandException.err("invalid option");
            }
            raw = true;
        }
        boolean asRaw = raw;
        return element(r, true).thenApply(row -> row == null ? Reply.NULL : embedding(row, asRaw));
    }

    /** The vector as added (the stored, normalised one times the norm kept at VADD), or RAW: f32, blob, norm. */
    private static Reply embedding(StoredVector row, boolean raw) {
        double norm = VectorSetRows.normOf(row.getMetadataMap());
        if (!raw) {
            return VectorCommands.doubles(row.getValuesList(), norm);
        }
        ByteBuffer blob = ByteBuffer.allocate(row.getValuesCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        row.getValuesList().forEach(blob::putFloat);
        return Reply.array(Reply.status("f32"), Reply.bulk(blob.array()), Reply.dbl(norm));
    }

    private CompletionStage<Reply> vgetattr(Request r) {
        return element(r, false).thenApply(row -> row == null ? Reply.NULL
                : Reply.bulkOrNull(VectorSetRows.attributesOf(row.getMetadataMap())));
    }

    private CompletionStage<Reply> vismember(Request r) {
        return element(r, false).thenApply(row -> Reply.bool(row != null));
    }

    /** An update of the row with the same vector and new attributes; 0 when the element does not exist. */
    private CompletionStage<Reply> vsetattr(Request r) {
        String json = r.arg(3);
        if (!json.isEmpty()) {
            VectorSetRows.attributeFields(json);
        }
        return element(r, true).thenCompose(row -> {
            if (row == null) {
                return completedFuture(Reply.bool(false));
            }
            String element = VectorSetRows.elementOf(row.getId(), row.getMetadataMap());
            Vector v = Vector.newBuilder().setId(row.getId()).addAllValues(row.getValuesList())
                    .putAllMetadata(VectorSetRows.metadata(element, VectorSetRows.normOf(row.getMetadataMap()), json))
                    .build();
            WriteRequest write = WriteRequest.newBuilder().setCollection(r.arg(1)).addVectors(v).build();
            return r.core().upsert(r.call(), write).thenApply(VectorCommands::written).thenApply(n -> Reply.bool(true));
        });
    }

    /** The row of the element at argument 2 of key 1, or null when the key or the element is absent. */
    private static CompletionStage<StoredVector> element(Request r, boolean withVector) {
        String key = r.arg(1);
        String element = VectorSetRows.elementName(r.raw(2));
        long id = VectorSetRows.idOf(r.raw(2));
        return VectorSetKeys.describeSet(r, key)
                .thenCompose(info -> info == null ? completedFuture(null) : VectorSetKeys.row(r, key, id, withVector))
                .thenApply(row -> {
                    if (row != null) {
                        VectorSetKeys.requireSameElement(row, element, key);
                    }
                    return row;
                });
    }

    // ------------------------------------------------------------------------------------------
    // Keys

    private CompletionStage<Reply> del(Request r) {
        CompletableFuture<Long> dropped = completedFuture(0L);
        for (int i = 1; i < r.argc(); i++) {
            String key = r.arg(i);
            dropped = dropped.thenCompose(n -> r.core().dropCollection(r.call(), key).handle((v, failure) -> {
                if (failure == null) {
                    return n + 1;
                }
                if (VectorSetKeys.isNotFound(failure)) {
                    return n;
                }
                throw VectorSetKeys.rethrown(failure);
            }));
        }
        return dropped.thenApply(Reply::integer);
    }

    private CompletionStage<Reply> exists(Request r) {
        CompletableFuture<Long> found = completedFuture(0L);
        for (int i = 1; i < r.argc(); i++) {
            String key = r.arg(i);
            found = found.thenCompose(n -> VectorSetKeys.describe(r, key).thenApply(info -> info == null ? n : n + 1));
        }
        return found.thenApply(Reply::integer);
    }

    private CompletionStage<Reply> type(Request r) {
        return VectorSetKeys.describe(r, r.arg(1))
                .thenApply((CollectionInfo info) -> Reply.status(info == null ? "none" : "vectorset"));
    }
}
