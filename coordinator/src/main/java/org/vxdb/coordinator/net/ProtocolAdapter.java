package org.vxdb.coordinator.net;

import io.netty.channel.ChannelPipeline;

/**
 * One protocol served by a {@link ProtocolListener}: it adds its codec and its handler to each new
 * connection's pipeline (after the listener's shared handlers: connection limit, idle timeout,
 * backpressure), and says how a connection is refused in its own words.
 */
public interface ProtocolAdapter {

    /** "rest", "resp": the listener's name in logs and metrics. */
    String protocol();

    /** Adds the protocol's codec and handler to a new connection's pipeline. */
    void initConnection(ChannelPipeline pipeline, Connection connection);

    /**
     * The bytes to write to a connection refused because the listener has {@code max} connections
     * (e.g. an HTTP 503, {@code -ERR max number of clients reached}); the connection is closed after.
     */
    byte[] refusal(int max);
}
