package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands queued between MULTI and EXEC on one connection. EXEC runs them one after another
 * and replies with all their replies; it is a batch, not an isolated transaction: other
 * connections may see the state between two of them, and nothing is rolled back (Redis does not
 * roll back either). A command refused while queueing (unknown, wrong arity) makes EXEC fail with
 * EXECABORT, as in Redis; so does a block whose arguments together pass {@code max_request_bytes},
 * the limit of one command, since the whole block is held in memory until EXEC.
 */
final class Transaction {

    private final List<List<byte[]>> queued = new ArrayList<>();
    private long bytes;
    private boolean aborted;

    /** Queues a command; false (and nothing queued) when the block would pass {@code maxBytes} of arguments. */
    boolean add(List<byte[]> args, long maxBytes) {
        long size = 0;
        for (byte[] a : args) {
            size += a.length;
        }
        if (bytes + size > maxBytes) {
            return false;
        }
        bytes += size;
        queued.add(args);
        return true;
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
