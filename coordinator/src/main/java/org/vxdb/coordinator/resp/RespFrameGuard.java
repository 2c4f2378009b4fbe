package org.vxdb.coordinator.resp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringRedisContent;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.LastBulkStringRedisContent;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits between Netty's {@code RedisDecoder} and the aggregators and enforces what a client may
 * send, before any of it is buffered: a command is an array of bulk strings (or an inline line),
 * no bulk string is longer than {@code max_request_bytes}, the arguments of one command together
 * are no longer than that either, counted as they are on the wire ({@code $<length>\r\n<bytes>\r\n},
 * so that a command of millions of empty arguments is not free), and an array announces at most
 * {@link #maxElements} arguments. The headers arrive before their content, so a huge length is
 * refused without reading it.
 */
final class RespFrameGuard extends ChannelInboundHandlerAdapter {

    private final long maxCommandBytes;
    private final int maxElements;

    /** Arguments still to come in the current command; 0 between commands. */
    private long remaining;
    private boolean inBulk;
    private long commandBytes;
    private boolean failed;

    RespFrameGuard(long maxCommandBytes, int maxElements) {
        this.maxCommandBytes = maxCommandBytes;
        this.maxElements = maxElements;
    }

    /** The most arguments a command may have under a byte limit: each takes at least 4 bytes of framing. */
    static int maxElementsFor(long maxCommandBytes) {
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE - 8, maxCommandBytes / 4));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (remaining == 0) {
                checkCommandStart(msg);
            } else {
                checkArgument(msg);
            }
        } catch (RespProtocolException e) {
            failed = true;
            ReferenceCountUtil.release(msg);
            throw e;
        }
        ctx.fireChannelRead(msg);
    }

    private void checkCommandStart(Object msg) {
        if (msg instanceof InlineCommandRedisMessage) {
            return;
        }
        if (msg instanceof ArrayHeaderRedisMessage header) {
            if (header.length() > maxElements) {
                throw new RespProtocolException("invalid multibulk length");
            }
            remaining = Math.max(0, header.length());
            commandBytes = 0;
            return;
        }
        throw new RespProtocolException("expected '*', got '" + typeChar(msg) + "'");
    }

    private void checkArgument(Object msg) {
        if (inBulk) {
            if (msg instanceof LastBulkStringRedisContent) {
                inBulk = false;
                remaining--;
            }
            return;
        }
        if (msg instanceof FullBulkStringRedisMessage full) {
            if (full.isNull()) {
                throw new RespProtocolException("invalid bulk length");
            }
            count(full.content().readableBytes());
            remaining--;
            return;
        }
        if (msg instanceof BulkStringHeaderRedisMessage header) {
            long length = header.bulkStringLength();
            if (length > maxCommandBytes) {
                throw new RespProtocolException("invalid bulk length");
            }
            count(length);
            inBulk = true;
            return;
        }
        if (msg instanceof BulkStringRedisContent) {
            return;
        }
        throw new RespProtocolException("expected '$', got '" + typeChar(msg) + "'");
    }

    /** Adds one argument as it is on the wire: {@code $}, its length, CRLF, its bytes, CRLF. */
    private void count(long length) {
        commandBytes += length + Long.toString(length).length() + 5;
        if (commandBytes > maxCommandBytes) {
            throw new RespProtocolException("command larger than " + maxCommandBytes
                    + " bytes (connections.max_request_bytes)");
        }
    }

    private static char typeChar(Object msg) {
        return switch (msg) {
            case SimpleStringRedisMessage s -> '+';
            case ErrorRedisMessage e -> '-';
            case IntegerRedisMessage i -> ':';
            case ArrayHeaderRedisMessage a -> '*';
            case BulkStringHeaderRedisMessage b -> '$';
            case FullBulkStringRedisMessage b -> '$';
            case InlineCommandRedisMessage i -> i.content().isEmpty() ? ' ' : i.content().charAt(0);
            default -> '?';
        };
    }
}
