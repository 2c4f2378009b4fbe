package org.vxdb.coordinator.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * One WebSocket ingest session ("ws-session"): opens on a collection, checks each batch's sequence
 * number and the client's credit, hands batches to its {@link BatchWriter}, and ends the session
 * with the close status the protocol gives each failure (docs/api-websocket.md). Runs on the
 * connection's event loop.
 */
final class StreamSession extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
    private static final byte[] PING = "vxdb".getBytes(StandardCharsets.US_ASCII);

    private enum State { HANDSHAKING, AWAITING_OPEN, OPENING, OPEN, CLOSING }

    private final ProtocolContext context;
    private final Connection connection;
    private final SessionRegistry registry;
    private final StreamSettings settings;
    private final String uri;
    private final String id = UUID.randomUUID().toString();
    private Caller caller;
    /** Why the credential of the upgrade request was refused, or null. */
    private final VxdbException refusedCredential;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private Channel channel;
    private StreamProxy out;
    private BatchWriter writer;
    private State state = State.HANDSHAKING;
    private SessionOptions options = SessionOptions.DEFAULTS;
    private boolean hasSeq;
    private long lastSeq;
    private boolean shuttingDown;
    private boolean awaitingPong;

    StreamSession(ProtocolContext context, Connection connection, SessionRegistry registry, StreamSettings settings,
                  String uri, Caller caller, VxdbException refusedCredential) {
        this.context = context;
        this.connection = connection;
        this.registry = registry;
        this.settings = settings;
        this.uri = uri;
        this.caller = caller;
        this.refusedCredential = refusedCredential;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        out = new StreamProxy(channel);
        writer = new BatchWriter(context, channel, out, caller, connection.client(), id, this::gaveUp,
                this::drained);
        channel.closeFuture().addListener(f -> {
            writer.stop();
            registry.remove(this);
            closed.complete(null);
        });
    }

    // ------------------------------------------------------------------------------------------
    // Lifecycle events

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            started();
        } else if (evt instanceof IdleStateEvent idle) {
            idle(idle);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void started() {
        state = State.AWAITING_OPEN;
        registry.add(this);
        if (refusedCredential != null) {
            refused(refusedCredential);
            return;
        }
        try {
            options = SessionOptions.fromQuery(uri);
        } catch (IllegalArgumentException e) {
            violation(null, e.getMessage());
            return;
        }
        if (options.collection() != null && !awaitingCredential()) {
            beginOpen();
        }
    }

    /** Security is on and the upgrade carried no credential: the open message must bring one. */
    private boolean awaitingCredential() {
        return context.core().security().enabled() && !caller.authenticated();
    }

    /** A credential refused (UNAUTHENTICATED): said as an error message, then close 1008. */
    private void refused(VxdbException e) {
        out.error(null, null, e.code().name(), e.getMessage(), null);
        closeWith(StreamClose.POLICY_VIOLATION, e.getMessage());
    }

    /**
     * The listener's idle timeout (nothing read or written for that long) ends the session. The
     * session's own reader idle (no frame for half of it) sends a ping, unless the last ping is
     * still unanswered: a client that answers is never idle, one that stops answering is closed by
     * the idle timeout after its last ping.
     */
    private void idle(IdleStateEvent event) {
        if (event.state() == IdleState.ALL_IDLE) {
            if (state != State.CLOSING && state != State.HANDSHAKING) {
                state = State.CLOSING;
                writer.stop();
                // the listener closes the connection right after this event
                channel.writeAndFlush(new CloseWebSocketFrame(StreamClose.GOING_AWAY, "idle timeout"));
            }
        } else if (event.state() == IdleState.READER_IDLE && !awaitingPong && state != State.HANDSHAKING
                && state != State.CLOSING) {
            awaitingPong = true;
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(PING)));
        }
    }

    /** Announces the shutdown (once); completes when the connection has closed. */
    CompletableFuture<Void> announceShutdown() {
        channel.eventLoop().execute(this::shutdownAnnounced);
        return closed;
    }

    /**
     * An open session finishes the batches it has and then closes; one not open yet closes at once
     * (nothing of it was written). A session still in its handshake is told when it registers.
     */
    private void shutdownAnnounced() {
        if (shuttingDown || state == State.HANDSHAKING || state == State.CLOSING) {
            return;
        }
        shuttingDown = true;
        out.shutdown();
        if (state != State.OPEN || writer.idle()) {
            closeWith(StreamClose.GOING_AWAY, "coordinator shutting down");
        }
    }

    private void drained() {
        if (shuttingDown && state == State.OPEN) {
            closeWith(StreamClose.GOING_AWAY, "coordinator shutting down");
        }
    }

    private void gaveUp(VxdbException reason) {
        closeWith(StreamClose.TRY_AGAIN_LATER, "try again later: " + reason.getMessage());
    }

    // ------------------------------------------------------------------------------------------
    // Messages

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        awaitingPong = false; // any frame shows the client is there
        if (state == State.CLOSING || state == State.HANDSHAKING) {
            return;
        }
        int size = frame.content().readableBytes();
        InboundMessage message = switch (frame) {
            case TextWebSocketFrame text -> JsonMessageDecoder.decode(text.content());
            case BinaryWebSocketFrame binary -> BinaryBatchDecoder.decode(binary.content());
            default -> null; // pongs count as life (above); pings and closes are the protocol handler's
        };
        if (message != null) {
            dispatch(message, size);
        }
    }

    private void dispatch(InboundMessage message, int size) {
        if (awaitingCredential() && !(message instanceof InboundMessage.Open)) {
            try {
                context.core().security().requireAuthenticated(caller, id, "Stream");
            } catch (VxdbException e) {
                refused(e);
            }
            return;
        }
        switch (message) {
            case InboundMessage.Open open -> open(open);
            case InboundMessage.Batch batch -> batch(batch.seq(), PendingBatch.of(batch.seq(), size, batch.vectors()));
            case InboundMessage.Rejected r when r.open() -> violation(null, r.message());
            case InboundMessage.Rejected r when r.seq() != null ->
                    batch(r.seq(), PendingBatch.rejected(r.seq(), size, VxdbException.invalid(r.message()), r.row()));
            case InboundMessage.Rejected r -> unreadable(r, size);
        }
    }

    /** A message without a seq: answered at once (it holds no credit; the error returns its size anyway). */
    private void unreadable(InboundMessage.Rejected r, int size) {
        if (context.metrics() != null) {
            context.metrics().protocolRequest(BatchWriter.PROTOCOL, "message", "INVALID_ARGUMENT", 0);
        }
        out.error(null, r.row(), VxdbException.Code.INVALID_ARGUMENT.name(), r.message(), (long) size);
    }

    private void open(InboundMessage.Open open) {
        if (state != State.AWAITING_OPEN) {
            violation(null, "open: the session is already open on collection '" + options.collection() + "'");
            return;
        }
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>(open.fields());
        String token = fields.remove("token");
        if (awaitingCredential()) {
            try {
                caller = context.core().security().authenticate(token, connection.remoteAddress(),
                        BatchWriter.PROTOCOL, id + "/open");
            } catch (VxdbException e) {
                refused(e);
                return;
            }
            writer.caller(caller);
        }
        try {
            options = options.with(fields);
        } catch (IllegalArgumentException e) {
            violation(null, e.getMessage());
            return;
        }
        if (options.collection() == null) {
            violation(null, "collection: required");
            return;
        }
        beginOpen();
    }

    private void beginOpen() {
        state = State.OPENING;
        long start = System.nanoTime();
        CallContext call = CallContext.of(caller, id + "/open", context.core().defaultDeadline());
        context.core().describeCollection(call, options.collection()).whenComplete((info, failure) ->
                channel.eventLoop().execute(() -> opened(info, failure, start)));
    }

    private void opened(CollectionInfo info, Throwable failure, long start) {
        VxdbException e = failure == null ? null : VxdbException.from(failure);
        if (context.metrics() != null) {
            context.metrics().protocolRequest(BatchWriter.PROTOCOL, "open", e == null ? "OK" : e.code().name(),
                    System.nanoTime() - start);
        }
        if (state != State.OPENING) {
            return;
        }
        if (e != null) {
            out.error(null, null, e.code().name(), e.getMessage(), null);
            closeWith(StreamClose.statusFor(e.code()), e.getMessage());
            return;
        }
        state = State.OPEN;
        out.ready(id, options, info.getSpec().getDimension(), settings);
        writer.open(options);
    }

    private void batch(long seq, PendingBatch batch) {
        String s = Long.toUnsignedString(seq);
        if (state == State.AWAITING_OPEN) {
            violation(seq, "batch " + s + " came before the session was opened: send an open message first"
                    + " (or connect with ?collection=NAME)");
            return;
        }
        if (hasSeq && Long.compareUnsigned(seq, lastSeq) <= 0) {
            violation(seq, "seq " + s + " is not greater than the previous seq " + Long.toUnsignedString(lastSeq)
                    + ": sequence numbers must increase within a session");
            return;
        }
        hasSeq = true;
        lastSeq = seq;
        long unanswered = writer.heldBytes() + batch.bytes;
        if (unanswered > settings.credits()) {
            violation(seq, "credit exceeded: batch " + s + " of " + batch.bytes + " bytes makes " + unanswered
                    + " bytes unacknowledged; the credit is " + settings.credits() + " bytes");
            return;
        }
        writer.add(shuttingDown ? PendingBatch.rejected(seq, batch.bytes, VxdbException.unavailable(
                "the coordinator is shutting down: batch " + s + " was not written; send it again to another"
                        + " coordinator"), null) : batch);
    }

    // ------------------------------------------------------------------------------------------
    // Failures and closing

    /** A session-level protocol error: said in full as an error message, then close 1008. */
    private void violation(Long seq, String message) {
        out.error(seq, null, VxdbException.Code.INVALID_ARGUMENT.name(), message, null);
        closeWith(StreamClose.POLICY_VIOLATION, message);
    }

    /** A frame the WebSocket decoder refused (too big, not masked, bad UTF-8): closed with its status. */
    void frameViolation(CorruptedWebSocketFrameException e) {
        int status = e.closeStatus().code();
        String reason = status == StreamClose.MESSAGE_TOO_BIG ? StreamClose.tooBig(settings.maxMessageBytes())
                : e.getMessage() == null ? e.closeStatus().reasonText() : e.getMessage();
        closeWith(status, reason);
    }

    private void closeWith(int status, String reason) {
        if (state == State.CLOSING) {
            return;
        }
        state = State.CLOSING;
        writer.stop();
        StreamClose.close(channel, status, reason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        switch (cause) {
            case CorruptedWebSocketFrameException e -> frameViolation(e);
            case TooLongFrameException e -> closeWith(StreamClose.MESSAGE_TOO_BIG,
                    StreamClose.tooBig(settings.maxMessageBytes()));
            case IOException e -> ctx.close(); // the client went away
            default -> {
                LOG.warn("websocket session {} from {} failed", id, connection.remoteAddress(), cause);
                out.error(null, null, VxdbException.Code.INTERNAL.name(), "internal error: " + cause, null);
                closeWith(StreamClose.INTERNAL_ERROR, "internal error");
            }
        }
    }
}
