package org.vxdb.coordinator.resp;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.net.Backpressure;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * One connection's commands, in order. Commands are decoded as fast as they arrive (pipelining)
 * and run as the core allows, but their replies are written strictly in arrival order from a
 * per-connection queue. Reads run side by side; a write waits until every earlier command has
 * finished and holds back every later one, so a pipeline sees its own writes exactly as if the
 * commands ran one at a time. A frame that cannot be read is answered with {@code -ERR Protocol
 * error} after the replies before it, and the connection is closed.
 *
 * <p>Memory stays bounded: at most {@link #MAX_RUNNING} commands of a connection run at once, and
 * the socket is not read while {@link #PAUSE_AT} commands wait for their replies to be written or
 * the client does not read its replies (the channel is not writable).
 */
final class RespConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RespConnectionHandler.class);

    static final int MAX_RUNNING = 16;
    static final int PAUSE_AT = 256;
    private static final int RESUME_AT = 64;

    /** One command of the queue, from decoded to written. */
    private static final class Entry {
        final List<byte[]> args;
        final CommandSpec spec;
        final boolean write;
        final boolean closeAfter;
        /** For EXEC: the block it runs, taken from the session when EXEC arrived. */
        final Transaction batch;
        long startNanos;
        int protocol;
        Reply reply;

        Entry(List<byte[]> args, CommandSpec spec, boolean closeAfter, Transaction batch) {
            this.args = args;
            this.spec = spec;
            this.write = spec != null && spec.write();
            this.closeAfter = closeAfter;
            this.batch = batch;
        }
    }

    private final ProtocolContext context;
    private final CommandTable commands;
    private final TransactionCommands transactions;
    private final RespServerState server;
    private final RespSession session;

    /** Every command not yet written, in arrival order. */
    private final ArrayDeque<Entry> replyOrder = new ArrayDeque<>();
    /** Commands not yet started, in arrival order. */
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    private int running;
    private int writesRunning;
    /** No more input is taken: QUIT or a protocol error is queued, or the channel closed. */
    private boolean closing;
    private boolean closed;
    private boolean pumping;
    private boolean pumpAgain;
    private boolean pausedByQueue;
    private boolean sawCommand;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> handshakeTimer;

    RespConnectionHandler(ProtocolContext context, CommandTable commands, TransactionCommands transactions,
                          RespServerState server, RespSession session) {
        this.context = context;
        this.commands = commands;
        this.transactions = transactions;
        this.server = server;
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long millis = context.limits().handshakeTimeout().toMillis();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (!sawCommand) {
                LOG.debug("closing {}: no command within {} ms", session.connection().remoteAddress(), millis);
                ctx.close();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        closing = true;
        waiting.clear();
        replyOrder.clear();
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        server.connectionClosed(session);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        List<byte[]> args;
        try {
            if (closing) {
                return;
            }
            args = arguments(msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (args.isEmpty()) {
            return; // Redis ignores empty commands (a blank inline line, *0)
        }
        if (!sawCommand) {
            sawCommand = true;
            handshakeTimer.cancel(false);
        }
        CommandSpec spec = commands.lookup(args);
        String name = spec == null ? "" : spec.name();
        Transaction open = session.transaction();
        if (!commands.mayRunBeforeDispatch(spec, session)) {
            // not authenticated: no MULTI bookkeeping; the dispatch answers NOAUTH in turn
            enqueue(new Entry(args, spec, false, null));
        } else if (spec != null && spec.arityMatches(args.size()) && (name.equals("multi") || name.equals("discard"))) {
            answer(args, spec, name.equals("multi") ? TransactionCommands.multi(session)
                    : TransactionCommands.discard(session));
        } else if (spec != null && name.equals("exec") && spec.arityMatches(args.size())) {
            Reply refusal = TransactionCommands.execRefusal(session);
            if (refusal != null) {
                answer(args, spec, refusal);
            } else {
                enqueue(new Entry(args, spec, false, TransactionCommands.takeForExec(session)));
            }
        } else if (open != null && !name.equals("quit") && !name.equals("reset")) {
            answer(args, spec, TransactionCommands.queue(open, spec, args, context.limits().maxRequestBytes()));
        } else {
            if (name.equals("reset")) {
                // RESET ends an open MULTI block as it arrives: the commands after it must not be queued
                session.transaction(null);
            }
            boolean quit = name.equals("quit");
            enqueue(new Entry(args, spec, quit, null));
            if (quit) {
                closing = true;
            }
        }
        pump();
    }

    private void enqueue(Entry entry) {
        replyOrder.add(entry);
        waiting.add(entry);
    }

    /** A command answered at once, without running (MULTI bookkeeping); its reply still waits its turn. */
    private void answer(List<byte[]> args, CommandSpec spec, Reply reply) {
        Entry entry = new Entry(args, spec, false, null);
        entry.protocol = session.protocol();
        entry.reply = reply;
        replyOrder.add(entry);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        pump();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return;
        }
        String protocolError = protocolError(cause);
        if (protocolError == null) {
            if (!(cause instanceof IOException)) {
                LOG.warn("RESP connection {} failed", session.connection().remoteAddress(), cause);
            }
            ctx.close();
            return;
        }
        LOG.debug("RESP connection {}: {}", session.connection().remoteAddress(), protocolError);
        closing = true;
        ctx.channel().config().setAutoRead(false);
        Entry entry = new Entry(List.of(), null, true, null);
        entry.protocol = session.protocol();
        entry.reply = Reply.error("ERR " + protocolError);
        replyOrder.add(entry);
        pump();
    }

    /** The text after {@code -ERR} for a frame that could not be read, or null for other failures. */
    static String protocolError(Throwable cause) {
        Throwable c = cause;
        while (c != null) {
            if (c instanceof RespProtocolException p) {
                return p.getMessage();
            }
            if (c instanceof io.netty.handler.codec.redis.RedisCodecException r) {
                return "Protocol error: " + describeCodecError(r.getMessage());
            }
            c = c.getCause();
        }
        // The array aggregator's own limits (a CodecException without a RedisCodecException cause).
        return cause instanceof CodecException ? "Protocol error: " + cause.getMessage() : null;
    }

    /** Netty's decoder messages in the words Redis uses for the same faults. */
    private static String describeCodecError(String message) {
        if (message == null) {
            return "invalid frame";
        }
        if (message.startsWith("length: ") && message.contains("(expected: <=")) {
            return message.endsWith("(expected: <= " + RespAdapter.MAX_INLINE_BYTES + ")") ? "too big inline request"
                    : "invalid bulk length";
        }
        if (message.startsWith("bad byte in number") || message.startsWith("no number to parse")
                || message.startsWith("too many characters") || message.startsWith("length: ")) {
            return "invalid length";
        }
        if (message.startsWith("delimiter:")) {
            return "expected CRLF at the end of a line";
        }
        return message;
    }

    // ------------------------------------------------------------------------------------------
    // The queue

    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                startReady();
                writeFinished();
            } while (pumpAgain && !closed);
        } finally {
            pumping = false;
        }
        adjustReading();
    }

    private void startReady() {
        boolean started = false;
        while (!waiting.isEmpty() && !closed && ctx.channel().isWritable()) {
            Entry next = waiting.peek();
            boolean mayStart = next.write ? running == 0 : writesRunning == 0 && running < MAX_RUNNING;
            if (!mayStart) {
                break;
            }
            waiting.poll();
            start(next);
            started = true;
        }
        if (started) {
            Backpressure.check(ctx.channel(), context.core().budget());
        }
    }

    private void start(Entry entry) {
        running++;
        if (entry.write) {
            writesRunning++;
        }
        entry.startNanos = System.nanoTime();
        session.commandStarted(entry.spec == null ? "NULL" : entry.spec.name());
        CompletionStage<Reply> result;
        if (entry.closeAfter) {
            result = java.util.concurrent.CompletableFuture.completedFuture(Reply.OK);
        } else if (entry.batch != null) {
            result = transactions.exec(entry.batch, session);
        } else {
            result = commands.dispatch(entry.spec, entry.args, session);
        }
        // After the dispatch: HELLO's own reply is written in the version it asked for.
        entry.protocol = session.protocol();
        result.whenComplete((reply, failure) -> {
            if (ctx.executor().inEventLoop()) {
                finish(entry, reply, failure);
            } else {
                ctx.executor().execute(() -> finish(entry, reply, failure));
            }
        });
    }

    private void finish(Entry entry, Reply reply, Throwable failure) {
        if (closed) {
            return;
        }
        running--;
        if (entry.write) {
            writesRunning--;
        }
        String code = "OK";
        if (failure != null) {
            RespErrors.Outcome outcome = RespErrors.of(failure);
            reply = outcome.reply();
            code = outcome.code();
        }
        entry.reply = reply;
        server.commandProcessed(failure != null);
        if (context.metrics() != null) {
            context.metrics().protocolRequest("resp", entry.spec == null ? "unknown" : entry.spec.name(), code,
                    System.nanoTime() - entry.startNanos);
        }
        pump();
    }

    /** Writes the finished replies at the head of the queue, in order, and flushes once. */
    private void writeFinished() {
        boolean wrote = false;
        while (!replyOrder.isEmpty() && replyOrder.peek().reply != null && !closed) {
            Entry head = replyOrder.poll();
            RespReplyEncoder.Outgoing out = new RespReplyEncoder.Outgoing(head.reply, head.protocol);
            if (head.closeAfter) {
                closed = true;
                waiting.clear();
                replyOrder.clear();
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(out);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /**
     * Stops reading while too many commands wait for their turn or the client does not read its
     * replies; resumes (within the core's budget) once both are back to normal.
     */
    private void adjustReading() {
        if (closed || closing) {
            return;
        }
        var config = ctx.channel().config();
        if (replyOrder.size() >= PAUSE_AT || !ctx.channel().isWritable()) {
            pausedByQueue = true;
            config.setAutoRead(false);
        } else if (pausedByQueue && replyOrder.size() <= RESUME_AT) {
            pausedByQueue = false;
            config.setAutoRead(true);
            Backpressure.check(ctx.channel(), context.core().budget());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Decoding

    /** The arguments of an aggregated array of bulk strings, or of an inline line. */
    private static List<byte[]> arguments(Object msg) {
        if (msg instanceof InlineCommandRedisMessage inline) {
            return InlineCommandSplitter.split(inline.content());
        }
        if (msg instanceof ArrayRedisMessage array) {
            if (array.isNull()) {
                return List.of();
            }
            List<byte[]> args = new ArrayList<>(array.children().size());
            for (RedisMessage child : array.children()) {
                FullBulkStringRedisMessage bulk = (FullBulkStringRedisMessage) child;
                args.add(ByteBufUtil.getBytes(bulk.content()));
            }
            return args;
        }
        throw new RespProtocolException("unexpected frame " + msg.getClass().getSimpleName());
    }
}
