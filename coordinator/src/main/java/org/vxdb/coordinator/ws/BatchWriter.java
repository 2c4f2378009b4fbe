package org.vxdb.coordinator.ws;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vxdb.api.v1.WriteFailure;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.Backpressure;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * Applies a session's batches to the core one at a time, in sequence order, and answers each in
 * that order: an ack, an error, or (when the coordinator is out of capacity) a back-off followed by
 * a retry of the same batch. One batch at a time is what makes "applied in sequence order" true:
 * the core stamps versions when a write runs, so two batches of one session running at once could
 * let an older batch overwrite a newer one's rows. Clients still pipeline: batches queue here
 * within their credit, so the next one starts the moment the previous one finishes.
 *
 * <p>Runs on the session's event loop only; core results are brought back to it.
 */
final class BatchWriter {

    static final String PROTOCOL = "ws";
    private static final Pattern ROW = Pattern.compile("^vectors\\[(\\d{1,9})]");

    private final ProtocolContext context;
    private final Channel channel;
    private final StreamProxy out;
    private Caller caller;
    private final String client;
    private final String session;
    private final Consumer<VxdbException> giveUp;
    private final Runnable drained;
    private final ArrayDeque<PendingBatch> queue = new ArrayDeque<>();
    private SessionOptions options;
    private PendingBatch inFlight;
    private boolean waiting;
    private boolean stopped;
    private long heldBytes;

    /**
     * @param giveUp  called (after the batch's error was sent) when a batch was refused too often
     * @param drained called whenever nothing is queued, running or waiting to be retried
     */
    BatchWriter(ProtocolContext context, Channel channel, StreamProxy out, Caller caller, String client,
                String session, Consumer<VxdbException> giveUp, Runnable drained) {
        this.context = context;
        this.channel = channel;
        this.out = out;
        this.caller = caller;
        this.client = client;
        this.session = session;
        this.giveUp = giveUp;
        this.drained = drained;
    }

    /** The caller the session authenticated as, once it has (an open message's token). */
    void caller(Caller c) {
        this.caller = c;
    }

    /** Starts writing (batches received before the session opened have been queued). */
    void open(SessionOptions sessionOptions) {
        this.options = sessionOptions;
        pump();
    }

    void add(PendingBatch batch) {
        heldBytes += batch.bytes;
        queue.addLast(batch);
        pump();
    }

    /** Credit in use: bytes of batches received and not yet answered. */
    long heldBytes() {
        return heldBytes;
    }

    boolean idle() {
        return inFlight == null && !waiting && queue.isEmpty();
    }

    /** The session is over: nothing more is started or answered (a batch in the core runs to its end). */
    void stop() {
        stopped = true;
        queue.clear();
    }

    private void pump() {
        while (!stopped && options != null && inFlight == null && !waiting && !queue.isEmpty()) {
            PendingBatch next = queue.peekFirst();
            if (next.rejection() != null) {
                queue.pollFirst();
                fail(next, next.rejection(), next.rejectedRow());
            } else {
                hand(next);
            }
        }
        if (!stopped && idle()) {
            drained.run();
        }
    }

    /** Rate limit, then the core; a refusal leaves the batch at the head of the queue for a retry. */
    private void hand(PendingBatch batch) {
        try {
            context.rateLimits().acquire(client);
        } catch (VxdbException e) {
            if (context.metrics() != null) {
                context.metrics().rateLimited(PROTOCOL);
            }
            refused(batch, e, context.rateLimits().retryAfterSeconds() * 1000L);
            return;
        }
        CallContext call = CallContext.of(caller, session + "/" + batch.seqText(), context.core().defaultDeadline());
        CompletableFuture<WriteResponse> result = context.core().upsert(call, batch.request(options));
        Backpressure.check(channel, context.core().budget());
        VxdbException refusal = refusal(result);
        if (refusal != null) {
            refused(batch, refusal, 0);
            return;
        }
        queue.pollFirst();
        inFlight = batch;
        if (options.ack() == AckLevel.ACCEPTED && !batch.creditReturned()) {
            out.accepted(batch.seq, batch.rows(), returnCredit(batch));
        }
        result.whenComplete((response, failure) -> channel.eventLoop().execute(() -> finished(batch, response,
                failure)));
    }

    /** The in-flight budget refuses before anything runs: the future has already failed. */
    private static VxdbException refusal(CompletableFuture<WriteResponse> result) {
        if (!result.isCompletedExceptionally()) {
            return null;
        }
        VxdbException e = VxdbException.from(result.exceptionNow());
        return e.code() == VxdbException.Code.RESOURCE_EXHAUSTED ? e : null;
    }

    private void refused(PendingBatch batch, VxdbException reason, long minimumDelayMillis) {
        int refusals = batch.refused();
        if (refusals > Backoff.MAX_REFUSALS) {
            queue.remove(batch);
            fail(batch, reason, null);
            stop();
            giveUp.accept(reason);
            return;
        }
        long delay = Backoff.delayMillis(refusals, minimumDelayMillis);
        out.backoff(batch.seq, delay, refusals, reason.getMessage());
        waiting = true;
        channel.eventLoop().schedule(() -> {
            waiting = false;
            pump();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void finished(PendingBatch batch, WriteResponse response, Throwable failure) {
        inFlight = null;
        if (stopped) {
            return;
        }
        if (failure == null) {
            succeeded(batch, response);
        } else {
            VxdbException e = VxdbException.from(failure);
            if (e.code() == VxdbException.Code.RESOURCE_EXHAUSTED) {
                // refused further down (a node's admission): nothing was written, retry it in its turn
                queue.addFirst(batch);
                refused(batch, e, 0);
                return;
            }
            fail(batch, e, rowOf(e.getMessage()));
        }
        pump();
    }

    private void succeeded(PendingBatch batch, WriteResponse response) {
        record(batch, "OK");
        List<WriteFailure> failures = response.getFailuresList();
        if (options.ack() == AckLevel.DURABLE) {
            out.ack(batch.seq, response.getWritten(), returnCredit(batch), failures);
        } else if (!failures.isEmpty()) {
            out.error(batch.seq, null, VxdbException.Code.UNAVAILABLE.name(), failures.size() + " of " + batch.rows()
                    + " rows did not reach the write consistency level", returnCredit(batch), failures);
        }
    }

    private void fail(PendingBatch batch, VxdbException e, Integer row) {
        record(batch, e.code().name());
        out.error(batch.seq, row, e.code().name(), e.getMessage(), returnCredit(batch));
    }

    private long returnCredit(PendingBatch batch) {
        long credit = batch.returnCredit();
        heldBytes -= credit;
        return credit;
    }

    private void record(PendingBatch batch, String code) {
        if (context.metrics() != null) {
            context.metrics().protocolRequest(PROTOCOL, "batch", code, System.nanoTime() - batch.receivedNanos);
        }
    }

    /** The row a core message names ({@code vectors[3]: ...}), or null. */
    static Integer rowOf(String message) {
        Matcher m = ROW.matcher(message);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }
}
