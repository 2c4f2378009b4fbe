package org.vxdb.coordinator.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.security.Security;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.service.grpc.RequestIdInterceptor;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * "ws-upgrade": sits right after the REST listener's HTTP codec. A WebSocket upgrade (a GET with
 * {@code Upgrade: websocket}) to {@link WebSocketStreams#PATH} turns the connection into a stream
 * session: the REST handlers ({@code rest-*}) leave the pipeline, Netty's handshake and frame
 * handlers and the session come in. Any other request to that path gets a 400 with a JSON error
 * and the connection closes; every other message passes on unchanged.
 *
 * <p>After the upgrade it stays where it is, right behind Netty's frame decoder, to turn the
 * decoder's refusals (a frame over the size limit, an unmasked frame) into a close with a clear
 * reason instead of Netty's immediate close.
 */
final class StreamUpgradeHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "ws-upgrade";
    private static final String REST_PREFIX = "rest-";
    /** The upgrade request has no body; anything bigger than this is not one. */
    private static final int HANDSHAKE_MAX_BYTES = 8192;
    private static final JsonFactory JSON = new JsonFactory();
    private static final String REQUEST_ID = "X-Request-Id";
    /** The one WebSocket version served: RFC 6455's. */
    private static final String VERSION = "13";

    private enum State { HTTP, DISCARDING_BODY, WEBSOCKET }

    private final ProtocolContext context;
    private final Connection connection;
    private final SessionRegistry registry;
    private State state = State.HTTP;

    StreamUpgradeHandler(ProtocolContext context, Connection connection, SessionRegistry registry) {
        this.context = context;
        this.connection = connection;
        this.registry = registry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case WEBSOCKET -> ctx.fireChannelRead(msg);
            case DISCARDING_BODY -> {
                if (msg instanceof LastHttpContent) {
                    state = State.HTTP;
                }
                ReferenceCountUtil.release(msg);
            }
            case HTTP -> {
                if (msg instanceof HttpRequest request && isStreamPath(request)) {
                    streamRequest(ctx, request, msg);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        }
    }

    private void streamRequest(ChannelHandlerContext ctx, HttpRequest request, Object msg) {
        HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
        String problem;
        if (!isUpgrade(request)) {
            problem = WebSocketStreams.PATH + " takes WebSocket upgrades only: a GET with the headers"
                    + " Upgrade: websocket and Connection: Upgrade (got " + request.method()
                    + (request.headers().contains(HttpHeaderNames.UPGRADE) ? " with Upgrade: "
                    + request.headers().get(HttpHeaderNames.UPGRADE) : " without an Upgrade header") + ")";
        } else {
            problem = handshakeProblem(request);
            if (!VERSION.equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
                status = HttpResponseStatus.UPGRADE_REQUIRED;
            }
        }
        if (problem == null) {
            takeOver(ctx, request);
            state = State.WEBSOCKET;
            ctx.fireChannelRead(msg);
            return;
        }
        refuse(ctx, request, status, problem);
        state = msg instanceof LastHttpContent ? State.HTTP : State.DISCARDING_BODY;
        ReferenceCountUtil.release(msg);
    }

    /**
     * What is missing from an upgrade for Netty's RFC 6455 handshaker to take it, or null. Checked
     * here so that the answer is our JSON error, and so that a request without a version is never
     * taken for one of the pre-RFC drafts Netty also speaks.
     */
    private static String handshakeProblem(HttpRequest request) {
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!VERSION.equals(version)) {
            return "WebSocket upgrade: Sec-WebSocket-Version " + (version == null ? "is missing" : version
                    + " is not supported") + ": use " + VERSION;
        }
        if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return "WebSocket upgrade: the Connection header must include Upgrade";
        }
        if (!request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            return "WebSocket upgrade: Sec-WebSocket-Key is missing";
        }
        if (HttpUtil.getContentLength(request, 0L) != 0 || HttpUtil.isTransferEncodingChunked(request)) {
            return "WebSocket upgrade: the handshake request carries no body";
        }
        return null;
    }

    private static boolean isStreamPath(HttpRequest request) {
        return new QueryStringDecoder(request.uri()).rawPath().equals(WebSocketStreams.PATH);
    }

    /** As Netty's handshaker sees it: the Upgrade header is exactly {@code websocket}, in any case. */
    private static boolean isUpgrade(HttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** Replaces the REST handlers behind this one with the WebSocket handshake, frame handling and the session. */
    private void takeOver(ChannelHandlerContext ctx, HttpRequest request) {
        ChannelPipeline p = ctx.pipeline();
        removeRestHandlers(p, ctx.name());
        StreamSettings settings = StreamSettings.of(context);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WebSocketStreams.PATH)
                .checkStartsWith(true) // the query string carries the session's options
                .handshakeTimeoutMillis(Math.max(1, context.limits().handshakeTimeout().toMillis()))
                .maxFramePayloadLength(settings.maxMessageBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(false) // we close, with our reasons, see exceptionCaught
                .dropPongFrames(false) // the session's pings want to see them
                .build();
        p.addAfter(ctx.name(), "ws-aggregator", new HttpObjectAggregator(HANDSHAKE_MAX_BYTES))
                .addAfter("ws-aggregator", "ws-protocol", new WebSocketServerProtocolHandler(config))
                .addAfter("ws-protocol", "ws-ping", new IdleStateHandler(settings.pingInterval().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS))
                .addAfter("ws-ping", "ws-frames", new WebSocketFrameAggregator(settings.maxMessageBytes()))
                .addAfter("ws-frames", "ws-session", session(request, settings));
    }

    /**
     * The session, with the caller of the upgrade's {@code Authorization: Bearer} credential; a refused
     * credential is said after the handshake (close 1008), as every WebSocket refusal is.
     */
    private StreamSession session(HttpRequest request, StreamSettings settings) {
        String credential = Security.bearer(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        Caller caller = Caller.anonymous(connection.remoteAddress(), BatchWriter.PROTOCOL);
        VxdbException refused = null;
        if (credential != null || !context.core().security().enabled()) {
            try {
                caller = context.core().security().authenticate(credential, connection.remoteAddress(),
                        BatchWriter.PROTOCOL, requestId(request));
            } catch (VxdbException e) {
                refused = e;
            }
        }
        return new StreamSession(context, connection, registry, settings, request.uri(), caller, refused);
    }

    /** The REST adapter's own handlers all come after this one and are named {@code rest-*}. */
    private static void removeRestHandlers(ChannelPipeline p, String self) {
        List<String> names = p.names();
        List<String> rest = new ArrayList<>();
        for (int i = names.indexOf(self) + 1; i < names.size(); i++) {
            if (names.get(i).startsWith(REST_PREFIX)) {
                rest.add(names.get(i));
            }
        }
        rest.forEach(p::remove);
    }

    /**
     * 400 (426 for a WebSocket version other than 13, naming 13) with the error body every HTTP
     * answer of ours has, then the connection closes.
     */
    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String message) {
        String requestId = requestId(request);
        ByteBuf body = ctx.alloc().buffer(256);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), (OutputStream) new ByteBufOutputStream(
                body))) {
            g.writeStartObject();
            g.writeObjectPropertyStart("error");
            g.writeStringProperty("code", VxdbException.Code.INVALID_ARGUMENT.name());
            g.writeStringProperty("message", message);
            g.writeStringProperty("request_id", requestId);
            g.writeEndObject();
            g.writeEndObject();
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(REQUEST_ID, requestId);
        // Closed after: the request never reached the REST handlers, whose first-request timer would
        // otherwise still run on this connection.
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        if (context.metrics() != null) {
            context.metrics().protocolRequest(BatchWriter.PROTOCOL, "upgrade", "INVALID_ARGUMENT", 0);
        }
    }

    /** The client's X-Request-Id when it is a sane one (as the REST API takes it), else a new one. */
    private static String requestId(HttpRequest request) {
        String id = request.headers().get(REQUEST_ID);
        return RequestIdInterceptor.saneOrNew(id);
    }

    /** The frame decoder (before this handler) refused a frame: let the session close with its reason. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.WEBSOCKET && cause instanceof CorruptedWebSocketFrameException e) {
            StreamSession session = ctx.pipeline().get(StreamSession.class);
            if (session != null) {
                session.frameViolation(e);
            } else {
                ctx.close();
            }
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
