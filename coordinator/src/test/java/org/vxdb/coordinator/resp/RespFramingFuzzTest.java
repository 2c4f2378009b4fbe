package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes at all through the RESP decoding half of the pipeline, exactly as {@link RespAdapter}
 * builds it (Netty's decoder with inline commands, {@link RespFrameGuard}, the aggregators), with a
 * small request limit so that short inputs reach it. The input's first byte sets how the rest is
 * cut into reads, so frames split anywhere are covered.
 *
 * <p>What reaches the connection handler is only ever an inline line (whose splitting either
 * succeeds or is {@code unbalanced quotes}) or an array of bulk strings; every failure on the way
 * is one the handler answers with {@code -ERR Protocol error ...} ({@link
 * RespConnectionHandler#protocolError} knows it), never an exception it would have to log and
 * close the connection on.
 */
class RespFramingFuzzTest {

    private static final long MAX_COMMAND_BYTES = 4096;

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "resp-framing.dict")
    void frames(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0xff);
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        int maxElements = RespFrameGuard.maxElementsFor(MAX_COMMAND_BYTES);
        Commands commands = new Commands();
        EmbeddedChannel channel = new EmbeddedChannel(
                new RedisDecoder(RespAdapter.MAX_INLINE_BYTES, FixedRedisMessagePool.INSTANCE, true),
                new RespFrameGuard(MAX_COMMAND_BYTES, maxElements),
                new RedisBulkStringAggregator(),
                new RedisArrayAggregator(maxElements, 2),
                commands);
        try {
            for (int at = 0; at < stream.length && commands.failure == null; at += chunk) {
                channel.writeInbound(Unpooled.wrappedBuffer(stream, at, Math.min(chunk, stream.length - at)));
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        if (commands.failure != null) {
            assertNotNull(RespConnectionHandler.protocolError(commands.failure),
                    "a failure the connection handler cannot answer: " + commands.failure);
        }
    }

    /** Stands where {@link RespConnectionHandler} is: takes commands apart the way it does. */
    private static final class Commands extends ChannelInboundHandlerAdapter {
        Throwable failure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (failure != null) {
                    return;
                }
                switch (msg) {
                    case InlineCommandRedisMessage inline -> splitInline(inline.content());
                    case ArrayRedisMessage array -> {
                        if (!array.isNull()) {
                            for (RedisMessage child : array.children()) {
                                assertTrue(child instanceof FullBulkStringRedisMessage bulk && !bulk.isNull(),
                                        "a command argument that is not a bulk string: " + child);
                            }
                        }
                    }
                    default -> throw new AssertionError("a frame the guard should have refused: " + msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void splitInline(String line) {
            try {
                InlineCommandSplitter.split(line);
            } catch (RespProtocolException e) {
                failure = e;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
        }
    }
}
