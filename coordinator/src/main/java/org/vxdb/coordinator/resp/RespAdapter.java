package org.vxdb.coordinator.resp;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import java.nio.charset.StandardCharsets;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolAdapter;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * The Redis protocol (RESP2, and RESP3 after {@code HELLO 3}) over the core: connection commands
 * (PING, HELLO, CLIENT, INFO, COMMAND, ...), VxDB's {@code VECTOR.*} commands and Redis 8's
 * vector-set commands ({@code VADD}, {@code VSIM}, ...). docs/api-resp.md describes every command.
 *
 * <p>Each connection's pipeline: Netty's {@link RedisDecoder} (inline commands enabled), a
 * {@link RespFrameGuard} that enforces the request limits on frame headers before any content is
 * buffered, Netty's bulk-string and array aggregators, our {@link RespReplyEncoder} (RESP2 and
 * RESP3), and the {@link RespConnectionHandler} that runs commands and keeps replies in order.
 */
public final class RespAdapter implements ProtocolAdapter {

    /** Redis's own limit for an inline command line. */
    static final int MAX_INLINE_BYTES = 64 * 1024;
    /** Commands are flat arrays; one level of nesting is refused by the frame guard anyway. */
    private static final int MAX_ARRAY_DEPTH = 2;

    private final ProtocolContext context;
    private final RespServerState server = new RespServerState();
    private final CommandTable commands;
    private final TransactionCommands transactions;
    private final RespReplyEncoder encoder = new RespReplyEncoder();

    public RespAdapter(ProtocolContext context) {
        this.context = context;
        this.commands = new CommandTable(context);
        commands.register(new ConnectionCommands(commands, server, context.core().security()).specs());
        commands.register(new VectorCommands().specs());
        commands.register(new VectorSetCommands().specs());
        transactions = new TransactionCommands(commands);
        commands.register(transactions.specs());
    }

    /** The name of every command served, in lower case. */
    public java.util.List<String> commandNames() {
        return commands.all().stream().map(CommandSpec::name).toList();
    }

    @Override
    public String protocol() {
        return "resp";
    }

    @Override
    public void initConnection(ChannelPipeline pipeline, Connection connection) {
        long maxBytes = context.limits().maxRequestBytes();
        int maxElements = RespFrameGuard.maxElementsFor(maxBytes);
        RespSession session = new RespSession(server.nextClientId(), connection);
        server.connectionOpened(session);
        pipeline.addLast("resp-decoder", new RedisDecoder(MAX_INLINE_BYTES, FixedRedisMessagePool.INSTANCE, true));
        pipeline.addLast("resp-guard", new RespFrameGuard(maxBytes, maxElements));
        pipeline.addLast("resp-bulk", new RedisBulkStringAggregator());
        pipeline.addLast("resp-array", new RedisArrayAggregator(maxElements, MAX_ARRAY_DEPTH));
        pipeline.addLast("resp-encoder", encoder);
        pipeline.addLast("resp-handler", new RespConnectionHandler(context, commands, transactions, server,
                session));
    }

    @Override
    public byte[] refusal(int max) {
        return "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
