package org.vxdb.coordinator.ws;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.vxdb.coordinator.core.VxdbException;

/**
 * How the server ends a session: a close frame with an RFC 6455 status and a reason, then the
 * connection. The client normally answers the close and drops the connection itself; closing at
 * once instead could reset a connection whose client is still sending (a large message), and a
 * reset can swallow the close frame. So the server waits {@link #LINGER_MILLIS} for that.
 */
final class StreamClose {

    static final int GOING_AWAY = 1001;
    static final int POLICY_VIOLATION = 1008;
    static final int MESSAGE_TOO_BIG = 1009;
    static final int INTERNAL_ERROR = 1011;
    static final int TRY_AGAIN_LATER = 1013;
    static final long LINGER_MILLIS = 2_000;
    /** A close frame's payload is at most 125 bytes, two of them the status. */
    static final int MAX_REASON_BYTES = 123;

    private StreamClose() {
    }

    static void close(Channel channel, int status, String reason) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(status, truncate(reason)));
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The reason of a 1009 close: what the limit is and where it is configured. */
    static String tooBig(int maxMessageBytes) {
        return "message too big: the limit is " + maxMessageBytes + " bytes per message"
                + " (connections.max_request_bytes)";
    }

    /** The close status of a session-level failure with this code. */
    static int statusFor(VxdbException.Code code) {
        return switch (code) {
            case UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED -> TRY_AGAIN_LATER;
            case INTERNAL -> INTERNAL_ERROR;
            default -> POLICY_VIOLATION;
        };
    }

    /** At most {@link #MAX_REASON_BYTES} of UTF-8, cut at a character boundary and marked with "...". */
    static String truncate(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 3; // the "..."
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > MAX_REASON_BYTES) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return out.append("...").toString();
    }
}
