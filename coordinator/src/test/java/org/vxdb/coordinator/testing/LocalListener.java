package org.vxdb.coordinator.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolAdapter;

/**
 * A protocol adapter's pipeline served over Netty's in-JVM transport: every connection gets
 * exactly the handlers the adapter installs on a real socket, on a real event loop, without the
 * cost of TCP. For fuzz tests, which open a connection per input.
 */
public final class LocalListener implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final LocalAddress address;
    private final Channel server;

    public LocalListener(ProtocolAdapter adapter) {
        address = new LocalAddress(adapter.protocol() + "-" + System.identityHashCode(this));
        server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        adapter.initConnection(ch.pipeline(), Connection.of(ch, adapter.protocol()));
                    }
                })
                .bind(address).syncUninterruptibly().channel();
    }

    /** A new client connection whose pipeline is made by {@code handlers}. */
    public Channel connect(Supplier<ChannelHandler[]> handlers) {
        return new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(handlers.get());
                    }
                })
                .connect(address).syncUninterruptibly().channel();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
