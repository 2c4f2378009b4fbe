package org.vxdb.coordinator.ws;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolContext;

/** WebSocket streaming ingest at {@link #PATH} on the REST port. PLACEHOLDER: being written. */
public final class WebSocketStreams {

    public static final String PATH = "/v1/stream";

    private WebSocketStreams() {
    }

    /**
     * Added by the REST adapter right after its HTTP server codec: takes over a connection whose
     * request upgrades to WebSocket at {@link #PATH}; passes every other message on unchanged.
     */
    public static ChannelHandler upgradeHandler(ProtocolContext context, Connection connection) {
        return new ChannelInboundHandlerAdapter();
    }
}
