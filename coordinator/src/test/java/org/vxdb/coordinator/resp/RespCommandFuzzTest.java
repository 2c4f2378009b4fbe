package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vxdb.coordinator.net.ClientRateLimits;
import org.vxdb.coordinator.net.ListenerLimits;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.testing.FuzzCluster;
import org.vxdb.coordinator.testing.LocalListener;
import org.vxdb.coordinator.testing.WarningLog;

/**
 * Redis commands, as a client pipelines them, through the whole RESP pipeline (decoder, frame
 * guard, aggregators, connection handler, command parsers, the core, a real storage node, the
 * reply encoder). The input is text: one command per line, written as redis-cli or an inline
 * command would ({@code VSIM fz VALUES 3 1 0 0 FILTER ".year > 1990"}, double quotes with
 * {@code \xHH} escapes for binary). Each line goes out as a RESP array on a new connection.
 *
 * <p>Every command gets exactly one well-formed reply, in RESP2 or (after {@code HELLO 3}) RESP3,
 * until a QUIT; no reply is an internal error; nothing is logged as a warning; the connection
 * answers within the timeout.
 */
class RespCommandFuzzTest {

    private static final int MAX_COMMANDS = 16;
    private static final long REPLY_TIMEOUT_SECONDS = 20;

    @RegisterExtension
    static final FuzzCluster CLUSTER = new FuzzCluster();

    private static LocalListener listener;
    private static WarningLog warnings;

    @BeforeAll
    static void watch() {
        warnings = WarningLog.attach();
    }

    @AfterAll
    static void stop() {
        warnings.close();
        if (listener != null) {
            listener.close();
        }
    }

    /** The RESP listener, started with the first input (after the fuzzer's instrumentation is in place). */
    private static LocalListener listener() {
        if (listener == null) {
            ListenerLimits limits = new ListenerLimits(16, Duration.ofMinutes(5), Duration.ofSeconds(30), 64 << 10,
                    1 << 20, 0, 0);
            listener = new LocalListener(new RespAdapter(new ProtocolContext(CLUSTER.core(), limits,
                    new ClientRateLimits(0, 0), null)));
        }
        return listener;
    }

    @FuzzTest
    @Timeout(60)
    @DictionaryFile(resourcePath = "resp.dict")
    void commands(byte[] input) throws Exception {
        List<List<byte[]>> commands = commands(new String(input, StandardCharsets.UTF_8));
        if (commands.isEmpty()) {
            return;
        }
        int expected = repliesExpected(commands);
        Replies replies = new Replies(expected);
        Channel client = listener().connect(() -> new ChannelHandler[] {replies});
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (List<byte[]> args : commands) {
                out.writeBytes(multibulk(args));
            }
            client.writeAndFlush(Unpooled.wrappedBuffer(out.toByteArray()));
            replies.done.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage() + " for " + describe(commands), e.getCause());
        } catch (TimeoutException e) {
            fail("no reply to every command within " + REPLY_TIMEOUT_SECONDS + " s: got " + replies.replies()
                    + " for " + describe(commands));
        } finally {
            client.close().syncUninterruptibly();
        }
        List<Object> got = replies.replies();
        if (got.size() < expected) {
            assertTrue(replies.closed, "fewer replies than commands on an open connection");
            assertTrue(!got.isEmpty() && got.getLast() instanceof String s && s.startsWith("-ERR "),
                    "the connection closed without an error reply: " + got + " for " + describe(commands));
        }
        assertTrue(got.size() <= expected, "more replies than commands: " + got);
        for (Object reply : got) {
            if (reply instanceof String s && s.startsWith("-ERR internal error")) {
                fail("internal error " + s + " for " + describe(commands));
            }
        }
        assertEquals(List.of(), warnings.drain(), "warnings logged for " + describe(commands));
    }

    /** The commands of the input's lines; lines an inline command could not be split from are left out. */
    static List<List<byte[]>> commands(String text) {
        List<List<byte[]>> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (out.size() == MAX_COMMANDS) {
                break;
            }
            try {
                List<byte[]> args = InlineCommandSplitter.split(line);
                if (!args.isEmpty()) {
                    out.add(args);
                }
            } catch (RespProtocolException e) {
                // not a command: RespFramingFuzzTest covers what the server does with it
            }
        }
        return out;
    }

    /** One reply per command up to and including the first QUIT, after which the server closes. */
    private static int repliesExpected(List<List<byte[]>> commands) {
        for (int i = 0; i < commands.size(); i++) {
            if (new String(commands.get(i).getFirst(), StandardCharsets.UTF_8).equalsIgnoreCase("quit")) {
                return i + 1;
            }
        }
        return commands.size();
    }

    static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static String describe(List<List<byte[]>> commands) {
        List<String> lines = new ArrayList<>();
        for (List<byte[]> args : commands) {
            lines.add(args.stream().map(a -> new String(a, StandardCharsets.UTF_8)).toList().toString());
        }
        return lines.toString();
    }

    /** The client side: reads replies as they come and says when all are there or the server closed. */
    private static final class Replies extends SimpleChannelInboundHandler<ByteBuf> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final RespReplyReader reader = new RespReplyReader();
        private final int expected;
        volatile boolean closed;

        Replies(int expected) {
            this.expected = expected;
        }

        synchronized List<Object> replies() {
            return List.copyOf(reader.replies());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            try {
                synchronized (this) {
                    reader.feed(ByteBufUtil.getBytes(msg));
                    if (reader.replies().size() >= expected) {
                        done.complete(null);
                    }
                }
            } catch (AssertionError e) {
                done.completeExceptionally(e);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            done.complete(null);
        }
    }
}
