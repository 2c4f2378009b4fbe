package org.vxdb.coordinator.rest;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolAdapter;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.ws.WebSocketStreams;

/**
 * HTTP REST over the core, JSON in and out (docs/api-rest.md; the OpenAPI document is served at
 * {@code /openapi.yaml}). WebSocket streams share the port: the WebSocket handler sits right after
 * the HTTP codec and takes over connections that upgrade at {@link WebSocketStreams#PATH},
 * removing this adapter's handlers (all named {@code rest-*}).
 *
 * <p>Pipeline: {@code http-codec} (Netty's {@link HttpServerCodec} with bounded request line and
 * headers), {@code ws-upgrade}, {@code rest-handshake-timeout} (first request head within
 * {@code connections.handshake_timeout}), {@code rest-http} (routing, limits, exchanges).
 */
public final class RestAdapter implements ProtocolAdapter {

    /** Longest request line (method, path and query, version). */
    static final int MAX_INITIAL_LINE_BYTES = 8 << 10;
    /** Largest header block. */
    static final int MAX_HEADER_BYTES = 16 << 10;
    /** Largest body piece the codec hands on at once (bodies themselves are bounded by the listener limits). */
    static final int MAX_CHUNK_BYTES = 64 << 10;

    private final ProtocolContext context;
    private final RestRoutes routes;

    public RestAdapter(ProtocolContext context) {
        this.context = context;
        this.routes = RestEndpoints.routes(context.core());
    }

    /** Every route as {@code METHOD template operation}, e.g. {@code GET /v1/collections ListCollections}. */
    public static java.util.List<String> endpoints() {
        return RestEndpoints.routes(null).list().stream()
                .map(r -> r.method().name() + " " + r.template() + " " + r.operation()).toList();
    }

    @Override
    public String protocol() {
        return RestConnectionHandler.PROTOCOL;
    }

    @Override
    public void initConnection(ChannelPipeline pipeline, Connection connection) {
        pipeline.addLast("http-codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK_BYTES)));
        pipeline.addLast("ws-upgrade", WebSocketStreams.upgradeHandler(context, connection));
        pipeline.addLast(HandshakeTimeout.NAME, new HandshakeTimeout(context.limits().handshakeTimeout()));
        pipeline.addLast(RestConnectionHandler.NAME, new RestConnectionHandler(context, connection, routes));
    }

    /** An HTTP 503 with the error body, then the connection closes. */
    @Override
    public byte[] refusal(int max) {
        RestError e = new RestError(HttpResponseStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE",
                "the REST listener is at its limit of " + max + " connections; retry later")
                .withHeader("Retry-After", Integer.toString(HttpErrors.RETRY_AFTER_SECONDS));
        return HttpResponses.closingErrorBytes(e, CallContext.newRequestId());
    }
}
