package org.vxdb.coordinator.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.coordinator.core.LiveStats;
import org.vxdb.coordinator.core.VxdbException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code GET /v1/metrics/live}: the coordinator's live figures as server-sent events
 * ({@code text/event-stream}) for as long as the client stays. First one {@code history} event
 * (the samples kept, oldest first), then one {@code sample} event a second. A client that does
 * not read fast enough misses samples rather than making the server buffer them. When the
 * caller's key is revoked or its token expires, one {@code end} event with the error body is
 * sent and the connection closes.
 */
final class LiveMetricsExchange extends Exchange {

    static final String EVENT_STREAM = "text/event-stream";

    private final Owner owner;
    private final Channel channel;
    private final CoordinatorCore core;
    private LiveStats.Subscription subscription;
    private boolean ended;

    LiveMetricsExchange(Owner owner, Channel channel, CoordinatorCore core, RestCall call, boolean keepAlive,
                        boolean http10) {
        super(call, keepAlive, http10);
        this.owner = owner;
        this.channel = channel;
        this.core = core;
    }

    @Override
    void content(HttpContent chunk) {
        try {
            if (!ended && chunk instanceof LastHttpContent) {
                ended = true;
                start();
            }
        } finally {
            chunk.release();
        }
    }

    private void start() {
        try {
            subscription = core.watchMetrics(call().context(),
                    sample -> channel.eventLoop().execute(() -> sample(sample)),
                    refused -> channel.eventLoop().execute(() -> end(refused)));
        } catch (RuntimeException e) {
            owner.fail(this, HttpErrors.from(e), false);
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(RestHeaders.REQUEST_ID, call().requestId());
        HttpUtil.setTransferEncodingChunked(head, true);
        channel.write(head);
        ArrayNode history = RestJson.array();
        subscription.history().forEach(s -> history.add(StatusEncoder.sample(s)));
        channel.writeAndFlush(event("history", history));
    }

    private void sample(LiveStats.Sample s) {
        if (channel.isActive() && channel.isWritable()) {
            channel.writeAndFlush(event("sample", StatusEncoder.sample(s)));
        }
    }

    /** The caller may no longer watch: says why in an {@code end} event, then closes. */
    private void end(VxdbException refused) {
        if (!channel.isActive()) {
            return;
        }
        channel.write(event("end", RestResponse.error(HttpErrors.from(refused), call().requestId()).body()));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> channel.close());
    }

    private static DefaultHttpContent event(String name, JsonNode data) {
        return event(name, RestJson.write(data));
    }

    /** One event: its name, then its JSON on one data line (JSON written by Jackson has no raw newline). */
    private static DefaultHttpContent event(String name, byte[] json) {
        ByteBuf text = Unpooled.buffer(json.length + name.length() + 16);
        text.writeCharSequence("event: " + name + "\ndata: ", StandardCharsets.US_ASCII);
        text.writeBytes(json);
        text.writeCharSequence("\n\n", StandardCharsets.US_ASCII);
        return new DefaultHttpContent(text);
    }

    @Override
    boolean accepting() {
        return !ended;
    }

    @Override
    void abort() {
        ended = true;
        if (subscription != null) {
            subscription.close();
        }
    }
}
