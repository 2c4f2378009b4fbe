package org.vxdb.coordinator.resp;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.core.VxdbException;

/**
 * A vector-set key seen through the core: the collection of the same name, which must use the
 * COSINE metric (Redis vector sets compare by cosine similarity), and its rows by element.
 */
final class VectorSetKeys {

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private VectorSetKeys() {
    }

    /** The collection behind {@code key}, or null when there is none (an empty key, to Redis). */
    static CompletionStage<CollectionInfo> describe(Request r, String key) {
        return r.core().describeCollection(r.call(), key).handle((info, failure) -> {
            if (failure == null || isNotFound(failure)) {
                return info;
            }
            throw rethrown(failure);
        });
    }

    /** {@link #describe}, and WRONGTYPE when the collection is not COSINE. */
    static CompletionStage<CollectionInfo> describeSet(Request r, String key) {
        return describe(r, key).thenApply(info -> {
            if (info != null) {
                requireCosine(info);
            }
            return info;
        });
    }

    static void requireCosine(CollectionInfo info) {
        if (info.getSpec().getMetric() != Metric.COSINE) {
            String metric = VectorCommands.metricName(info.getSpec().getMetric());
            throw CommandException.withCode(WRONGTYPE + " (collection '" + info.getSpec().getName() + "' uses metric "
                    + metric + "; vector-set commands need COSINE)");
        }
    }

    /** The row of element {@code id}, or null when the row or the collection does not exist. */
    static CompletionStage<StoredVector> row(Request r, String key, long id, boolean withVector) {
        GetRequest get = GetRequest.newBuilder().setCollection(key).addIds(id).setIncludeMetadata(true)
                .setIncludeVectors(withVector).build();
        return r.core().get(r.call(), get).handle((response, failure) -> {
            if (failure != null) {
                if (isNotFound(failure)) {
                    return null;
                }
                throw rethrown(failure);
            }
            return response.getVectorsCount() == 0 ? null : response.getVectors(0);
        });
    }

    /**
     * A row found under an element's id must carry that element's name: two names whose 64-bit
     * hashes collide would otherwise overwrite each other.
     */
    static void requireSameElement(StoredVector row, String element, String key) {
        String stored = VectorSetRows.elementOf(row.getId(), row.getMetadataMap());
        if (!stored.equals(element)) {
            boolean named = row.getMetadataMap().containsKey(VectorSetRows.ELEMENT);
            throw CommandException.err("element '" + VectorArgs.clip(element)
                    + "' maps to id " + Long.toUnsignedString(row.getId()) + ", which in '" + key + "' already holds "
                    + (named ? "element '" + VectorArgs.clip(stored) + "'" : "a vector written by id")
                    + "; use another element name");
        }
    }

    /** NOT_FOUND (the collection does not exist) is what an absent key means to vector-set commands. */
    static boolean isNotFound(Throwable failure) {
        Throwable cause = CallFailures.unwrap(failure);
        return cause instanceof VxdbException e && e.code() == VxdbException.Code.NOT_FOUND;
    }

    static CompletionException rethrown(Throwable failure) {
        return new CompletionException(CallFailures.unwrap(failure));
    }
}
