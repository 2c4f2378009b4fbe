package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact bytes of each reply type in RESP2 and RESP3. */
class RespReplyEncoderTest {

    private static String bytes(Reply reply, boolean resp3) {
        ByteBuf out = Unpooled.buffer();
        RespReplyEncoder.write(reply, resp3, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void both(Reply reply, String resp2, String resp3) {
        assertEquals(resp2, bytes(reply, false), "RESP2");
        assertEquals(resp3, bytes(reply, true), "RESP3");
    }

    @Test
    void shouldWriteTheTypesBothVersionsShare() {
        both(Reply.OK, "+OK\r\n", "+OK\r\n");
        both(Reply.error("ERR bad\r\nthing"), "-ERR bad  thing\r\n", "-ERR bad  thing\r\n");
        both(Reply.integer(-42), ":-42\r\n", ":-42\r\n");
        both(Reply.bulk("héllo"), "$6\r\nhéllo\r\n", "$6\r\nhéllo\r\n");
        both(Reply.array(Reply.bulk("a"), Reply.integer(1)), "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n:1\r\n");
        both(Reply.EMPTY_ARRAY, "*0\r\n", "*0\r\n");
    }

    @Test
    void shouldDegradeResp3TypesForResp2LikeRedis() {
        both(Reply.NULL, "$-1\r\n", "_\r\n");
        both(Reply.NULL_ARRAY, "*-1\r\n", "_\r\n");
        both(Reply.dbl(0.5), "$3\r\n0.5\r\n", ",0.5\r\n");
        both(Reply.dbl(1.0), "$1\r\n1\r\n", ",1\r\n");
        both(Reply.dbl(Double.POSITIVE_INFINITY), "$3\r\ninf\r\n", ",inf\r\n");
        both(Reply.dbl(Double.NaN), "$3\r\nnan\r\n", ",nan\r\n");
        both(Reply.dbl(0.1f), "$3\r\n0.1\r\n", ",0.1\r\n");
        both(Reply.dbl(1.0e-7), "$6\r\n1.0e-7\r\n", ",1.0e-7\r\n");
        both(Reply.bool(true), ":1\r\n", "#t\r\n");
        both(Reply.bool(false), ":0\r\n", "#f\r\n");
        both(new Reply.Verbatim("a\r\nb"), "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n");
        both(new Reply.Set(List.of(Reply.status("x"))), "*1\r\n+x\r\n", "~1\r\n+x\r\n");
        both(Reply.map().put("k", 1).put("v", Reply.NULL).build(), "*4\r\n$1\r\nk\r\n:1\r\n$1\r\nv\r\n$-1\r\n",
                "%2\r\n$1\r\nk\r\n:1\r\n$1\r\nv\r\n_\r\n");
    }
}
