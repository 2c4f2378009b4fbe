package org.vxdb.coordinator.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@link Outgoing} replies as RESP2 or RESP3, whichever the connection had negotiated when
 * the command was dispatched. Netty's {@code RedisEncoder} knows RESP2 only; one encoder for both
 * versions keeps the two renderings of each reply type side by side.
 */
@ChannelHandler.Sharable
final class RespReplyEncoder extends MessageToByteEncoder<RespReplyEncoder.Outgoing> {

    /** A reply and the protocol version (2 or 3) to write it in. */
    record Outgoing(Reply reply, int protocol) {
    }

    private static final byte[] CRLF = {'\r', '\n'};

    RespReplyEncoder() {
        super(Outgoing.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Outgoing msg, ByteBuf out) {
        write(msg.reply(), msg.protocol() >= 3, out);
    }

    /** Appends {@code reply} to {@code out}; visible for tests of the exact bytes. */
    static void write(Reply reply, boolean resp3, ByteBuf out) {
        switch (reply) {
            case Reply.Status s -> line(out, '+', s.text());
            case Reply.Error e -> line(out, '-', e.text());
            case Reply.Int i -> line(out, ':', Long.toString(i.value()));
            case Reply.Bulk b -> bulk(out, b.bytes());
            case Reply.Dbl d -> {
                String text = RespNumbers.formatDouble(d.value());
                if (resp3) {
                    line(out, ',', text);
                } else {
                    bulk(out, text.getBytes(StandardCharsets.US_ASCII));
                }
            }
            case Reply.Bool b -> {
                if (resp3) {
                    line(out, '#', b.value() ? "t" : "f");
                } else {
                    line(out, ':', b.value() ? "1" : "0");
                }
            }
            case Reply.Verbatim v -> verbatim(out, v.text(), resp3);
            case Reply.Null n -> out.writeBytes(resp3 ? NULL3 : NULL_BULK2);
            case Reply.NullArray n -> out.writeBytes(resp3 ? NULL3 : NULL_ARRAY2);
            case Reply.Array a -> aggregate(out, '*', a.items().size(), a.items(), resp3);
            case Reply.Set s -> aggregate(out, resp3 ? '~' : '*', s.items().size(), s.items(), resp3);
            case Reply.Map m -> aggregate(out, resp3 ? '%' : '*',
                    resp3 ? m.keysAndValues().size() / 2 : m.keysAndValues().size(), m.keysAndValues(), resp3);
        }
    }

    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);

    private static void aggregate(ByteBuf out, char type, int count, List<Reply> items, boolean resp3) {
        line(out, type, Integer.toString(count));
        for (Reply item : items) {
            write(item, resp3, out);
        }
    }

    private static void verbatim(ByteBuf out, String text, boolean resp3) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (!resp3) {
            bulk(out, body);
            return;
        }
        line(out, '=', Integer.toString(body.length + 4));
        out.writeBytes("txt:".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        out.writeBytes(CRLF);
    }

    private static void bulk(ByteBuf out, byte[] bytes) {
        line(out, '$', Integer.toString(bytes.length));
        out.writeBytes(bytes);
        out.writeBytes(CRLF);
    }

    private static void line(ByteBuf out, char type, String text) {
        out.writeByte(type);
        out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }
}
