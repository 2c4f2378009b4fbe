package org.vxdb.coordinator.rest;

import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.CompletableFuture;
import org.vxdb.coordinator.core.InFlightBudget;
import org.vxdb.coordinator.net.Backpressure;
import tools.jackson.databind.JsonNode;

/**
 * A request whose body is read whole (at most {@code max_request_bytes}, counted as it arrives)
 * and then handed to its endpoint; or one already refused at its head, whose body is read and
 * dropped so that the connection can carry the next request.
 */
final class BufferedExchange extends Exchange {

    private final Owner owner;
    private final Channel channel;
    private final InFlightBudget budget;
    private final RestRoutes.Match match;
    private final RestError refusal;
    private final long limit;
    private final CompositeByteBuf body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    private long received;
    private boolean ended;

    private BufferedExchange(Owner owner, Channel channel, InFlightBudget budget, RestCall call, boolean keepAlive,
                             boolean http10, RestRoutes.Match match, RestError refusal, long limit) {
        super(call, keepAlive, http10);
        this.owner = owner;
        this.channel = channel;
        this.budget = budget;
        this.match = match;
        this.refusal = refusal;
        this.limit = limit;
    }

    static BufferedExchange run(Owner owner, Channel channel, InFlightBudget budget, RestCall call, boolean keepAlive,
                                boolean http10, RestRoutes.Match match, long limit) {
        return new BufferedExchange(owner, channel, budget, call, keepAlive, http10, match, null, limit);
    }

    /** Reads and drops the body, then answers {@code refusal}. */
    static BufferedExchange refuse(Owner owner, RestCall call, boolean keepAlive, boolean http10, RestError refusal,
                                   long limit) {
        return new BufferedExchange(owner, null, null, call, keepAlive, http10, null, refusal, limit);
    }

    @Override
    void content(HttpContent chunk) {
        try {
            if (ended) {
                return;
            }
            if (chunk.decoderResult().isFailure()) {
                end();
                owner.fail(this, RestError.invalid("malformed HTTP body: " + chunk.decoderResult().cause()
                        .getMessage()), true);
                return;
            }
            received += chunk.content().readableBytes();
            if (received > limit) {
                end();
                owner.fail(this, refusal != null ? refusal : RestError.tooLarge("request body: larger than"
                        + " max_request_bytes (" + limit + " bytes)"), true);
                return;
            }
            if (wantsBody() && chunk.content().isReadable()) {
                body.addComponent(true, chunk.content().retain());
            }
            if (chunk instanceof LastHttpContent) {
                finish();
            }
        } finally {
            chunk.release();
        }
    }

    private boolean wantsBody() {
        return refusal == null && match.route().body() == RestRoutes.Body.JSON;
    }

    private void finish() {
        if (refusal != null) {
            end();
            owner.fail(this, refusal, false);
            return;
        }
        CompletableFuture<RestResponse> answer;
        try {
            JsonNode json = wantsBody() ? RestJson.read(new ByteBufInputStream(body), "request body") : null;
            if (wantsBody() && json == null) {
                throw RestError.invalid("request body: required (a JSON object)");
            }
            end();
            answer = match.route().endpoint().call(call(), match.params(), json);
        } catch (RuntimeException e) {
            end();
            owner.fail(this, HttpErrors.from(e), false);
            return;
        }
        Backpressure.check(channel, budget);
        answer.whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                owner.fail(this, HttpErrors.from(failure), false);
            } else {
                owner.respond(this, response, "OK", false);
            }
        }, channel.eventLoop());
    }

    private void end() {
        ended = true;
        if (body.refCnt() > 0) {
            body.release();
        }
    }

    @Override
    boolean accepting() {
        return !ended;
    }

    @Override
    void abort() {
        end();
    }
}
