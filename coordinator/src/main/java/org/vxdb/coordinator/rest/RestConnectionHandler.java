package org.vxdb.coordinator.rest;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.Backpressure;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.security.Security;

/**
 * The REST side of one connection. Requests are taken one at a time, in the order they came:
 * pipelined requests wait (decoded, in a short backlog, with the socket no longer read) until
 * the one before them is answered, so answers go out in order. Each request's head is checked
 * (path, method, query, deadline, size, rate limit, media type) before its body is read; the
 * body then goes to a {@link BufferedExchange} or, for the NDJSON stream, an
 * {@link NdjsonUpsertExchange}.
 *
 * <p>A connection whose request body cannot be read to its end (too large, malformed framing,
 * a stream that failed half way) gets its answer with {@code Connection: close}; the server then
 * stops writing but reads and drops what the client still sends for a moment before closing, so
 * that the client can read the answer instead of meeting a reset.
 */
final class RestConnectionHandler extends ChannelInboundHandlerAdapter implements Exchange.Owner {

    static final String NAME = "rest-http";
    static final String PROTOCOL = "rest";
    /** How long a closing connection keeps draining what the client still sends. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RestConnectionHandler.class);

    private final ProtocolContext context;
    private final Connection connection;
    private final RestRoutes routes;
    private final ArrayDeque<HttpObject> backlog = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean closing;
    private boolean draining;
    private boolean readingPaused;

    RestConnectionHandler(ProtocolContext context, Connection connection, RestRoutes routes) {
        this.context = context;
        this.connection = connection;
        this.routes = routes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject http)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        backlog.add(http);
        drain();
    }

    /** Hands backlog messages on while the current exchange takes them; stops reading while some must wait. */
    private void drain() {
        if (draining) {
            return; // the loop below is already running further up the stack
        }
        draining = true;
        try {
            while (!closing && !backlog.isEmpty() && (current == null || current.accepting())) {
                HttpObject next = backlog.poll();
                if (next instanceof HttpRequest request) {
                    start(request);
                }
                if (next instanceof HttpContent content) {
                    if (current != null && current.accepting() && !closing) {
                        current.content(content);
                    } else {
                        content.release();
                    }
                }
            }
        } finally {
            draining = false;
        }
        pauseReadingWhileBacklogged();
    }

    private void pauseReadingWhileBacklogged() {
        Channel ch = ctx.channel();
        if (!backlog.isEmpty() && !closing) {
            if (ch.config().isAutoRead()) {
                ch.config().setAutoRead(false);
                readingPaused = true;
            }
        } else if (readingPaused) {
            readingPaused = false;
            ch.config().setAutoRead(true);
            Backpressure.check(ch, context.core().budget()); // the budget may want it off still
        }
    }

    /** Checks a request head and starts its exchange (or answers it at once). */
    private void start(HttpRequest request) {
        long started = System.nanoTime();
        String requestId = RestHeaders.requestId(request);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        RestCall call = RestCall.unrouted(requestId, started, context.core().defaultDeadline(), connection.caller());
        if (request.decoderResult().isFailure()) {
            answerNow(call, malformedHead(request.decoderResult().cause()));
            return;
        }
        try {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            RestRoutes.Match match = null;
            RestError unrouted = null;
            try {
                match = routes.match(request.method(), uri.rawPath());
            } catch (RestError e) {
                unrouted = e; // answered after authentication: without a credential, 401 comes first
            }
            if (match == null || !match.route().open() || request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
                call = call.withCaller(authenticate(request, requestId));
            }
            if (unrouted != null) {
                throw unrouted;
            }
            call = call.withOperation(match.route().operation());
            // An open route is a static file: its page's own query (e.g. ?refresh=) is the page's business.
            Map<String, String> query = match.route().open() ? Map.of()
                    : RestHeaders.query(uri, match.route().queryParams());
            call = call.withQuery(query, RestHeaders.timeout(request, query, context.core().defaultDeadline()));
            checkDeclaredLength(request, match.route());
            acquireRate();
            requireContentType(request, match.route());
            current = exchange(request, call, keepAlive, http10, match);
        } catch (RuntimeException e) {
            refuse(request, call, keepAlive, http10, HttpErrors.from(e));
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
    }

    private Exchange exchange(HttpRequest request, RestCall call, boolean keepAlive, boolean http10,
                              RestRoutes.Match match) {
        if (match.route().body() == RestRoutes.Body.EVENTS) {
            return new LiveMetricsExchange(this, ctx.channel(), context.core(), call, keepAlive, http10);
        }
        if (match.route().body() == RestRoutes.Body.NDJSON) {
            return new NdjsonUpsertExchange(this, ctx.channel(), context.core(), call, keepAlive, http10,
                    match.params().get("name"), context.limits().maxStreamBytes(), context.limits().maxRequestBytes());
        }
        return BufferedExchange.run(this, ctx.channel(), context.core().budget(), call, keepAlive, http10, match,
                context.limits().maxRequestBytes());
    }

    /**
     * A request refused at its head: with a body the client may still be sending (too large, or
     * one it waits to send after 100-continue) the answer goes at once and the connection closes;
     * otherwise its body is read and dropped and the connection carries on.
     */
    private void refuse(HttpRequest request, RestCall call, boolean keepAlive, boolean http10, RestError error) {
        if (error.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)
                || HttpUtil.is100ContinueExpected(request)) {
            answerNow(call, error);
            return;
        }
        current = BufferedExchange.refuse(this, call, keepAlive, http10, error, context.limits().maxRequestBytes());
    }

    /** Answers before the body is read, and closes. */
    private void answerNow(RestCall call, RestError error) {
        current = new Exchange(call, false, false) {
            @Override
            void content(HttpContent chunk) {
                chunk.release();
            }

            @Override
            boolean accepting() {
                return false;
            }
        };
        fail(current, error, true);
    }

    private void checkDeclaredLength(HttpRequest request, RestRoutes.Route route) {
        long declared = HttpUtil.getContentLength(request, -1L);
        long limit = context.limits().maxRequestBytes();
        if (route.body() != RestRoutes.Body.NDJSON && declared > limit) {
            throw RestError.tooLarge("request body: " + declared + " bytes is larger than max_request_bytes ("
                    + limit + " bytes)");
        }
        if (route.body() == RestRoutes.Body.NDJSON && declared > context.limits().maxStreamBytes()) {
            throw RestError.tooLarge("request body: " + declared + " bytes is longer than max_stream_bytes ("
                    + context.limits().maxStreamBytes() + " bytes)");
        }
    }

    /** The caller of the request's {@code Authorization: Bearer} credential; 401 when it is missing or not valid. */
    private Caller authenticate(HttpRequest request, String requestId) {
        try {
            return context.core().security().authenticate(
                    Security.bearer(request.headers().get(HttpHeaderNames.AUTHORIZATION)), connection.remoteAddress(),
                    PROTOCOL, requestId);
        } catch (VxdbException e) {
            throw HttpErrors.from(e).withHeader("WWW-Authenticate", "Bearer realm=\"vxdb\"");
        }
    }

    private void acquireRate() {
        try {
            context.rateLimits().acquire(connection.client());
        } catch (VxdbException e) {
            if (context.metrics() != null) {
                context.metrics().rateLimited(PROTOCOL);
            }
            throw HttpErrors.from(e).withHeader("Retry-After",
                    Integer.toString(context.rateLimits().retryAfterSeconds()));
        }
    }

    private static void requireContentType(HttpRequest request, RestRoutes.Route route) {
        switch (route.body()) {
            case JSON -> RestHeaders.requireContentType(request, RestResponse.JSON);
            case NDJSON -> RestHeaders.requireContentType(request, RestHeaders.NDJSON);
            case NONE, EVENTS -> {
            }
        }
    }

    private static RestError malformedHead(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new RestError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "URI_TOO_LONG",
                    "request line longer than " + RestAdapter.MAX_INITIAL_LINE_BYTES + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return new RestError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "HEADERS_TOO_LARGE",
                    "request headers larger than " + RestAdapter.MAX_HEADER_BYTES + " bytes");
        }
        return RestError.invalid("malformed HTTP request: " + cause.getMessage());
    }

    @Override
    public void respond(Exchange exchange, RestResponse response, String code, boolean close) {
        if (exchange != current || closing) {
            return; // the connection closed, or gave up on this exchange, while it ran
        }
        current = null;
        RestCall call = exchange.call();
        boolean keepAlive = exchange.keepAlive() && !close;
        ChannelFuture written = ctx.writeAndFlush(HttpResponses.full(response, call.requestId(), keepAlive,
                exchange.http10()));
        if (context.metrics() != null) {
            context.metrics().protocolRequest(PROTOCOL, call.operation(), code, System.nanoTime() - call.startNanos());
        }
        if (keepAlive) {
            drain();
        } else {
            closeAfter(written);
        }
    }

    @Override
    public void resumed(Exchange exchange) {
        if (exchange == current) {
            drain();
        }
    }

    /** Stops writing once {@code written} is out, drops what the client still sends, and closes after {@link #LINGER}. */
    private void closeAfter(ChannelFuture written) {
        closing = true;
        releaseBacklog();
        Channel ch = ctx.channel();
        written.addListener(f -> {
            if (ch instanceof DuplexChannel duplex && ch.isActive() && f.isSuccess()) {
                duplex.shutdownOutput();
                ch.config().setAutoRead(true);
                ch.eventLoop().schedule(() -> ch.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                ch.close();
            }
        });
    }

    private void releaseBacklog() {
        HttpObject o;
        while ((o = backlog.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        giveUp();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        giveUp();
    }

    private void giveUp() {
        releaseBacklog();
        if (current != null) {
            current.abort();
            current = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            LOG.debug("REST connection {} failed: {}", connection.remoteAddress(), cause.toString());
        } else {
            LOG.warn("REST connection {} failed", connection.remoteAddress(), cause); // a defect of ours
        }
        ctx.close();
    }
}
