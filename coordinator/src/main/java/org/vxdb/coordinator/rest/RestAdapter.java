package org.vxdb.coordinator.rest;

import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolAdapter;
import org.vxdb.coordinator.net.ProtocolContext;

/** HTTP REST (and WebSocket streams at /v1/stream) over the core. PLACEHOLDER: being written. */
public final class RestAdapter implements ProtocolAdapter {

    private final ProtocolContext context;

    public RestAdapter(ProtocolContext context) {
        this.context = context;
    }

    @Override
    public String protocol() {
        return "rest";
    }

    @Override
    public void initConnection(ChannelPipeline pipeline, Connection connection) {
        pipeline.channel().close();
    }

    @Override
    public byte[] refusal(int max) {
        return ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
