package org.vxdb.coordinator.resp;

import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolAdapter;
import org.vxdb.coordinator.net.ProtocolContext;

/** The Redis protocol over the core. PLACEHOLDER: being written. */
public final class RespAdapter implements ProtocolAdapter {

    private final ProtocolContext context;

    public RespAdapter(ProtocolContext context) {
        this.context = context;
    }

    @Override
    public String protocol() {
        return "resp";
    }

    @Override
    public void initConnection(ChannelPipeline pipeline, Connection connection) {
        pipeline.channel().close();
    }

    @Override
    public byte[] refusal(int max) {
        return "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
