package org.vxdb.coordinator.ws;

import java.util.List;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.core.VxdbException;

/**
 * One batch of a session from its arrival to its answer. It holds {@link #bytes} of the client's
 * credit until it is answered (acknowledged or rejected), whatever happens in between.
 */
final class PendingBatch {

    final long seq;
    final int bytes;
    final long receivedNanos = System.nanoTime();
    private final List<Vector> vectors;
    private final VxdbException rejection;
    private final Integer rejectedRow;
    private WriteRequest request;
    private int refusals;
    private boolean creditReturned;

    private PendingBatch(long seq, int bytes, List<Vector> vectors, VxdbException rejection, Integer rejectedRow) {
        this.seq = seq;
        this.bytes = bytes;
        this.vectors = vectors;
        this.rejection = rejection;
        this.rejectedRow = rejectedRow;
    }

    static PendingBatch of(long seq, int bytes, List<Vector> vectors) {
        return new PendingBatch(seq, bytes, vectors, null, null);
    }

    /** A batch that is answered with this error in its turn, without reaching the core. */
    static PendingBatch rejected(long seq, int bytes, VxdbException rejection, Integer row) {
        return new PendingBatch(seq, bytes, List.of(), rejection, row);
    }

    VxdbException rejection() {
        return rejection;
    }

    Integer rejectedRow() {
        return rejectedRow;
    }

    int rows() {
        return vectors.size();
    }

    /** The core request, built once (a retried batch is sent again as it was). */
    WriteRequest request(SessionOptions options) {
        if (request == null) {
            request = WriteRequest.newBuilder().setCollection(options.collection()).addAllVectors(vectors)
                    .setConsistency(options.consistency()).build();
        }
        return request;
    }

    /** Counts one more refusal and returns how many there have been in a row. */
    int refused() {
        return ++refusals;
    }

    /** The credit to give back now: its bytes the first time, 0 after. */
    long returnCredit() {
        if (creditReturned) {
            return 0;
        }
        creditReturned = true;
        return bytes;
    }

    boolean creditReturned() {
        return creditReturned;
    }

    String seqText() {
        return Long.toUnsignedString(seq);
    }
}
