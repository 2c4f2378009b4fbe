package org.vxdb.node.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.api.RequestChecks;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.shard.ShardWrite;

/**
 * A public-API write batch on this node: validated as a whole (so a bad vector rejects the batch
 * before anything is written), given one version from the node's clock, and handed to the engine,
 * which routes it to shards ({@link Collection#write(List, Collection.WriteMode)}; create-only is
 * atomic across them).
 */
final class WriteExecution {

    private WriteExecution() {
    }

    /** A validated vector of the batch. */
    record Row(long id, float[] values, byte[] metadata) {
    }

    static List<Row> decode(WriteRequest request, Collection c, int maxBatchRows) {
        List<Vector> vectors = request.getVectorsList();
        RequestChecks.batchSize(vectors.size(), maxBatchRows, "vectors");
        int dim = c.config().dimension();
        List<float[]> values = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            values.add(RequestChecks.values(vectors.get(i), dim, c.name(), "vectors[" + i + "]"));
        }
        long[] ids = RequestChecks.ids(vectors, values);
        List<Row> rows = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            rows.add(new Row(ids[i], values.get(i),
                    MetadataMapping.encode(vectors.get(i).getMetadataMap(), "vectors[" + i + "].metadata")));
        }
        return rows;
    }

    static void checkBatchSize(int n, int max, String field) {
        RequestChecks.batchSize(n, max, field);
    }

    /** Writes validated rows (the engine routes them to shards); create-only when {@code ifAbsent}. */
    static WriteResponse write(Collection c, List<Row> rows, long version, boolean ifAbsent) throws IOException {
        List<ShardWrite> batch = new ArrayList<>(rows.size());
        for (Row r : rows) {
            batch.add(ShardWrite.upsert(r.id(), version, r.values(), r.metadata()));
        }
        checkDeadline();
        c.write(batch, ifAbsent ? Collection.WriteMode.CREATE_ONLY : Collection.WriteMode.UPSERT);
        WriteResponse.Builder out = WriteResponse.newBuilder().setWritten(rows.size());
        for (Row r : rows) {
            out.addIds(r.id());
        }
        return out.build();
    }

    /** A request whose deadline passed while queued is answered without writing anything. */
    static void checkDeadline() {
        Context ctx = Context.current();
        Deadline deadline = ctx.getDeadline();
        if (ctx.isCancelled() || (deadline != null && deadline.isExpired())) {
            throw (deadline != null && deadline.isExpired() ? Status.DEADLINE_EXCEEDED : Status.CANCELLED)
                    .withDescription("the request ended before it was written; nothing was written")
                    .asRuntimeException();
        }
    }
}
