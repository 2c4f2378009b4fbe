package org.vxdb.coordinator.rest;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.service.config.DurationText;

/**
 * Closes a connection whose first request head has not arrived within the handshake timeout
 * after connect (a 408 is written first), so that sockets opened and left silent, or fed a byte
 * at a time, do not hold a connection slot until the idle timeout. Removes itself once a request
 * head arrives; the WebSocket takeover removes it with the other {@code rest-} handlers.
 */
final class HandshakeTimeout extends ChannelInboundHandlerAdapter {

    static final String NAME = "rest-handshake-timeout";

    private final Duration timeout;
    private ScheduledFuture<?> timer;

    HandshakeTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        RestError e = new RestError(HttpResponseStatus.REQUEST_TIMEOUT, "REQUEST_TIMEOUT",
                "no request arrived within the handshake timeout (" + DurationText.format(timeout) + ")");
        String requestId = CallContext.newRequestId();
        ctx.writeAndFlush(HttpResponses.full(RestResponse.error(e, requestId), requestId, false, false))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            ctx.pipeline().remove(this);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
