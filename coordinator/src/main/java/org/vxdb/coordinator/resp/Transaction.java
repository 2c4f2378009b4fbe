package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands queued between MULTI and EXEC on one connection. EXEC runs them one after another
 * and replies with all their replies; it is a batch, not an isolated transaction: other
 * connections may see the state between two of them, and nothing is rolled back (Redis does not
 * roll back either). A command refused while queueing (unknown, wrong arity) makes EXEC fail with
 * EXECABORT, as in Redis.
 */
final class Transaction {

    private final List<List<byte[]>> queued = new ArrayList<>();
    private boolean aborted;

    void add(List<byte[]> args) {
        queued.add(args);
    }

    void abort() {
        aborted = true;
    }

    boolean aborted() {
        return aborted;
    }

    List<List<byte[]>> queued() {
        return queued;
    }
}
