package org.vxdb.coordinator.net;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.vxdb.coordinator.core.Caller;

/** Facts about one accepted connection that its protocol handlers need. */
public record Connection(Channel channel, String protocol, String remoteAddress) {

    public static Connection of(Channel channel, String protocol) {
        return new Connection(channel, protocol, address(channel.remoteAddress()));
    }

    public Caller caller() {
        return Caller.anonymous(remoteAddress, protocol);
    }

    /** The client key of the per-client rate limit: the remote host. */
    public String client() {
        return ClientRateLimits.clientOf(remoteAddress);
    }

    /** {@code host:port} with the numeric host, as every protocol names a client; "unknown" for none. */
    public static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return (i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress()) + ":" + i.getPort();
        }
        return a == null ? "unknown" : a.toString();
    }
}
