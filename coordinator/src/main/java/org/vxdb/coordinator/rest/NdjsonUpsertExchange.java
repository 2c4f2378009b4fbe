package org.vxdb.coordinator.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteFailure;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.coordinator.net.Backpressure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The streamed bulk upsert: an {@code application/x-ndjson} body, one vector per line, read as it
 * arrives (never held whole) and upserted in batches of up to the core's batch size. While a batch
 * is in flight the connection reads no more of the body, so a client is held back by TCP. A bad
 * line, or a batch the core refuses, ends the stream with an error naming the line and how many
 * lines before it were written; those stay written, nothing after them is.
 */
final class NdjsonUpsertExchange extends Exchange {

    /** Write failures (ids below the consistency level) listed in the answer at most; the rest are counted. */
    static final int MAX_LISTED_FAILURES = 1000;
    private static final Pattern ROW_OF_BATCH = Pattern.compile("^vectors\\[(\\d+)\\]");

    private final Owner owner;
    private final Channel channel;
    private final CoordinatorCore core;
    private final String collection;
    private final WriteConsistency consistency;
    private final long maxStreamBytes;
    private final int maxLineBytes;
    private final ByteBuf pending = Unpooled.buffer();
    private List<Vector> batch = new ArrayList<>();
    private List<Long> batchLines = new ArrayList<>();
    private final List<WriteFailure> failures = new ArrayList<>();
    private long failureCount;
    private long bodyBytes;
    private long line;
    private long linesWritten;
    private long ids;
    private long written;
    private boolean ended;
    private boolean inFlight;
    private boolean done;

    NdjsonUpsertExchange(Owner owner, Channel channel, CoordinatorCore core, RestCall call, boolean keepAlive,
                         boolean http10, String collection, long maxStreamBytes, int maxLineBytes) {
        super(call, keepAlive, http10);
        this.owner = owner;
        this.channel = channel;
        this.core = core;
        this.collection = collection;
        this.consistency = RequestDecoder.consistency(call.query().get("consistency"), "consistency");
        this.maxStreamBytes = maxStreamBytes;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    void content(HttpContent chunk) {
        try {
            if (done) {
                return;
            }
            if (chunk.decoderResult().isFailure()) {
                fail(RestError.invalid("malformed HTTP body: " + chunk.decoderResult().cause().getMessage()));
                return;
            }
            bodyBytes += chunk.content().readableBytes();
            if (bodyBytes > maxStreamBytes) {
                fail(RestError.tooLarge("request body: the stream is longer than max_stream_bytes (" + maxStreamBytes
                        + " bytes)"));
                return;
            }
            pending.writeBytes(chunk.content());
            ended = chunk instanceof LastHttpContent;
        } finally {
            chunk.release();
        }
        pump();
    }

    /** Decodes complete lines until a batch goes out, the buffered bytes run out, or the stream ends. */
    private void pump() {
        while (!done && !inFlight) {
            int newline = pending.indexOf(pending.readerIndex(), pending.writerIndex(), (byte) '\n');
            if (newline < 0) {
                if (pending.readableBytes() > maxLineBytes) {
                    fail(RestError.tooLarge("line " + (line + 1) + ": longer than max_request_bytes (" + maxLineBytes
                            + " bytes)"));
                } else if (!ended) {
                    pending.discardReadBytes();
                } else if (pending.isReadable()) {
                    take(pending.readableBytes(), 0); // a last line without a newline
                    continue;
                } else if (!batch.isEmpty()) {
                    send();
                } else {
                    succeed();
                }
                return;
            }
            take(newline - pending.readerIndex(), 1);
        }
    }

    private void take(int length, int terminator) {
        ByteBuf text = pending.readSlice(length);
        pending.skipBytes(terminator);
        line++;
        if (isBlank(text)) {
            return;
        }
        Vector vector;
        try {
            JsonNode node = RestJson.readLine(new ByteBufInputStream(text), "line " + line);
            vector = VectorJson.vector(node, "", "vector");
        } catch (RestError e) {
            String message = e.getMessage().startsWith("line ") ? e.getMessage() : "line " + line + ": "
                    + e.getMessage();
            fail(e.withMessage(message).withDetail("line", line));
            return;
        }
        batch.add(vector);
        batchLines.add(line);
        if (batch.size() >= core.maxBatchRows()) {
            send();
        }
    }

    private static boolean isBlank(ByteBuf text) {
        for (int i = text.readerIndex(); i < text.writerIndex(); i++) {
            byte b = text.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void send() {
        inFlight = true;
        WriteRequest request = WriteRequest.newBuilder().setCollection(collection).setConsistency(consistency)
                .addAllVectors(batch).build();
        List<Long> lines = batchLines;
        long lastLine = line;
        batch = new ArrayList<>();
        batchLines = new ArrayList<>();
        CompletableFuture<WriteResponse> result;
        try {
            result = core.upsert(call().context(), request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Backpressure.check(channel, core.budget());
        result.whenCompleteAsync((response, failure) -> acknowledged(response, failure, lines, lastLine),
                channel.eventLoop());
    }

    private void acknowledged(WriteResponse response, Throwable failure, List<Long> lines, long lastLine) {
        inFlight = false;
        if (done) {
            return;
        }
        if (failure != null) {
            batchFailed(HttpErrors.from(failure), lines);
            return;
        }
        ids += response.getIdsCount();
        written += response.getWritten();
        failureCount += response.getFailuresCount();
        for (WriteFailure f : response.getFailuresList()) {
            if (failures.size() < MAX_LISTED_FAILURES) {
                failures.add(f);
            }
        }
        linesWritten = lastLine;
        pump();
        if (accepting()) {
            owner.resumed(this);
        }
    }

    /** The core refused a batch: name the row's line when its message names the row, else the batch's lines. */
    private void batchFailed(RestError e, List<Long> lines) {
        Matcher row = ROW_OF_BATCH.matcher(e.getMessage());
        if (row.find() && Integer.parseInt(row.group(1)) < lines.size()) {
            long at = lines.get(Integer.parseInt(row.group(1)));
            fail(e.withMessage("line " + at + ": " + e.getMessage()).withDetail("line", at));
        } else {
            long first = lines.getFirst();
            fail(e.withMessage("lines " + first + "-" + lines.getLast() + ": " + e.getMessage())
                    .withDetail("line", first));
        }
    }

    /**
     * Ends the stream with {@code e}, saying how many lines were written. A body not read to its
     * end closes the connection after the answer.
     */
    private void fail(RestError e) {
        done = true;
        pending.release();
        owner.fail(this, e.withMessage(e.getMessage() + "; " + linesWritten + " lines before it were written")
                .withDetail("lines_written", linesWritten), !ended);
    }

    private void succeed() {
        done = true;
        pending.release();
        ObjectNode out = RestJson.object();
        out.put("lines", line);
        out.put("ids", ids);
        out.put("written", written);
        out.set("failures", ResponseEncoder.failures(failures));
        out.put("failure_count", failureCount);
        owner.respond(this, RestResponse.ok(out), "OK", false);
    }

    @Override
    boolean accepting() {
        return !done && !inFlight && !ended;
    }

    @Override
    void abort() {
        if (!done) {
            done = true;
            pending.release();
        }
    }
}
