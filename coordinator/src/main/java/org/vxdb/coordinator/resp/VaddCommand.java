package org.vxdb.coordinator.resp;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.core.VxdbException;

/**
 * {@code VADD key [REDUCE dim] (FP32 blob | VALUES num v ...) element [CAS] [NOQUANT | Q8 | BIN]
 * [EF n] [SETATTR json] [M n]}: adds or updates one element, creating the key's COSINE collection
 * (dimension from the vector) on first use. Replies 1 when the element is new, 0 when it was
 * updated. Without SETATTR an update keeps the element's attributes, as Redis does.
 *
 * <p>REDUCE (random projection) is refused. CAS, NOQUANT, Q8, BIN, EF and M are checked as Redis
 * checks them and otherwise ignored: vectors are stored in full float32 precision and indexed the
 * way the collection's index says.
 */
final class VaddCommand {

    /** One parsed VADD. {@code attributes} is null when SETATTR was not given, "" to remove them. */
    private record Parsed(String key, List<Float> vector, String element, byte[] elementBytes, String attributes) {
    }

    CommandSpec spec() {
        return CommandSpec.named("vadd", -5).write().key().group("vectorset").since("8.0.0")
                .doc("VADD key [REDUCE dim] (FP32 vector | VALUES num vector) element [CAS] [NOQUANT | Q8 | BIN]"
                        + " [EF build-exploration-factor] [SETATTR attributes] [M numlinks]",
                        "Adds an element to a vector set, or updates it.").handler(this::run);
    }

    private CompletionStage<Reply> run(Request r) {
        Parsed p = parse(r);
        return VectorSetKeys.describeSet(r, p.key())
                .thenCompose(info -> info != null ? CompletableFuture.completedFuture(info) : create(r, p))
                .thenCompose(info -> {
                    checkDimension(info, p.vector().size());
                    return VectorSetKeys.row(r, p.key(), VectorSetRows.idOf(p.elementBytes()), false);
                })
                .thenCompose(existing -> write(r, p, existing));
    }

    private static Parsed parse(Request r) {
        if (r.keyword(2).equals("REDUCE")) {
            throw CommandException.err("REDUCE is not supported: VxDB stores vectors at their full dimension");
        }
        VectorSetInput input = VectorSetInput.read(r, 2);
        int at = 2 + input.consumed();
        if (at >= r.argc()) {
            throw CommandException.wrongArity("vadd");
        }
        byte[] elementBytes = r.raw(at);
        String element = VectorSetRows.elementName(elementBytes);
        String attributes = null;
        for (int i = at + 1; i < r.argc(); i++) {
            String option = r.keyword(i);
            boolean hasValue = i + 1 < r.argc();
            switch (option) {
                case "CAS", "NOQUANT", "Q8", "BIN" -> {
                    // accepted: see the class comment
                }
                case "EF" -> {
                    if (!hasValue) {
                        throw CommandException.err("invalid option after element");
                    }
                    r.integer(++i, 1, 1_000_000, "invalid EF");
                }
                case "M" -> {
                    if (!hasValue) {
                        throw CommandException.err("invalid option after element");
                    }
                    r.integer(++i, 4, 4096, "invalid M");
                }
                case "SETATTR" -> {
                    if (!hasValue) {
                        throw CommandException.err("invalid option after element");
                    }
                    attributes = r.arg(++i);
                    if (!attributes.isEmpty()) {
                        VectorSetRows.attributeFields(attributes);
                    }
                }
                default -> throw CommandException.err("invalid option after element");
            }
        }
        return new Parsed(r.arg(1), input.values(), element, elementBytes, attributes);
    }

    /** The key's first VADD creates its collection; a concurrent first VADD may have won the race. */
    private static CompletionStage<CollectionInfo> create(Request r, Parsed p) {
        CollectionSpec spec = CollectionSpec.newBuilder().setName(p.key()).setDimension(p.vector().size())
                .setMetric(Metric.COSINE).build();
        return r.core().createCollection(r.call(), spec).handle((info, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(info);
            }
            Throwable cause = CallFailures.unwrap(failure);
            if (cause instanceof VxdbException e && e.code() == VxdbException.Code.ALREADY_EXISTS) {
                return VectorSetKeys.describeSet(r, p.key());
            }
            return CompletableFuture.<CollectionInfo>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    static void checkDimension(CollectionInfo info, int got) {
        int has = info.getSpec().getDimension();
        if (got != has) {
            throw CommandException.err("Vector dimension mismatch - got " + got
                    + " but set has " + has);
        }
    }

    private static CompletionStage<Reply> write(Request r, Parsed p, StoredVector existing) {
        String attributes = p.attributes();
        if (existing != null) {
            VectorSetKeys.requireSameElement(existing, p.element(), p.key());
            if (attributes == null) {
                attributes = VectorSetRows.attributesOf(existing.getMetadataMap());
            }
        }
        double norm = VectorSetRows.l2(VectorArgs.toArray(p.vector()));
        Vector v = Vector.newBuilder().setId(VectorSetRows.idOf(p.elementBytes())).addAllValues(p.vector())
                .putAllMetadata(VectorSetRows.metadata(p.element(), norm, attributes)).build();
        WriteRequest write = WriteRequest.newBuilder().setCollection(p.key()).addVectors(v).build();
        boolean added = existing == null;
        return r.core().upsert(r.call(), write).thenApply(VectorCommands::written)
                .thenApply(n -> Reply.bool(added));
    }
}
