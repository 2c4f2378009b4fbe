package org.vxdb.coordinator.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.service.config.HostAndPort;

/**
 * A Netty server socket for one protocol. Every connection first meets the handlers all protocols
 * share: the connection limit (one beyond it gets the protocol's refusal and is closed) and the
 * idle timeout; then the adapter's codec and handler. The event loops are the coordinator's,
 * shared by every listener.
 */
public final class ProtocolListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolListener.class);

    private final ProtocolAdapter adapter;
    private final Channel server;

    private ProtocolListener(ProtocolAdapter adapter, Channel server) {
        this.adapter = adapter;
        this.server = server;
    }

    public static ProtocolListener start(HostAndPort listen, ProtocolAdapter adapter, ListenerLimits limits,
                                         EventLoopGroup boss, EventLoopGroup workers, CoordinatorMetrics metrics) {
        return start(listen, adapter, limits, boss, workers, metrics, null);
    }

    /**
     * As above, over TLS with {@code tls} ({@link ListenerTls#server}), or plaintext when it is null.
     * With TLS, everything after the handshake (the refusal at the connection limit included) is encrypted.
     */
    public static ProtocolListener start(HostAndPort listen, ProtocolAdapter adapter, ListenerLimits limits,
                                         EventLoopGroup boss, EventLoopGroup workers, CoordinatorMetrics metrics,
                                         SslContext tls) {
        AtomicInteger open = new AtomicInteger();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        String protocol = adapter.protocol();
                        if (tls != null) {
                            ListenerTls.addFirst(ch, tls, protocol);
                        }
                        if (open.incrementAndGet() > limits.maxConnections()) {
                            open.decrementAndGet();
                            if (metrics != null) {
                                metrics.connectionRefused(protocol, "max_connections");
                            }
                            ch.writeAndFlush(Unpooled.wrappedBuffer(adapter.refusal(limits.maxConnections())))
                                    .addListener(ChannelFutureListener.CLOSE);
                            return;
                        }
                        if (metrics != null) {
                            metrics.connectionOpened(protocol);
                        }
                        ch.closeFuture().addListener(f -> {
                            open.decrementAndGet();
                            if (metrics != null) {
                                metrics.connectionClosed(protocol);
                            }
                        });
                        long idle = limits.idleTimeout().toMillis();
                        if (idle > 0) {
                            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                            ch.pipeline().addLast("idle-close", IDLE_CLOSE);
                        }
                        adapter.initConnection(ch.pipeline(), Connection.of(ch, protocol));
                    }
                });
        Channel server = b.bind(new InetSocketAddress(listen.host(), listen.port())).syncUninterruptibly().channel();
        LOG.info("{} listening on {}{}", adapter.protocol(), server.localAddress(), tls == null ? "" : " (TLS)");
        return new ProtocolListener(adapter, server);
    }

    /** Closes a connection that has been idle for the timeout (adapters may catch the event first to say goodbye). */
    private static final ChannelHandler IDLE_CLOSE = new IdleCloser();

    @ChannelHandler.Sharable
    private static final class IdleCloser extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.fireUserEventTriggered(evt);
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public String protocol() {
        return adapter.protocol();
    }

    /** Stops accepting; open connections are closed by the event loops' shutdown. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
