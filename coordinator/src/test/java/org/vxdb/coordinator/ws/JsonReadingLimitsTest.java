package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The client-JSON limits on WebSocket messages: a message over one is rejected with the limit named. */
class JsonReadingLimitsTest {

    private static InboundMessage decode(String json) {
        return JsonMessageDecoder.decode(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldRejectAStringLongerThanOneMebiCharacter() {
        assertEquals(InboundMessage.Rejected.unreadable("a JSON string longer than 1048576 characters"),
                decode("{\"type\":\"" + "x".repeat((1 << 20) + 1) + "\"}"));
    }

    @Test
    void shouldRejectANumberLongerThan100Characters() {
        assertEquals(InboundMessage.Rejected.unreadable("a JSON number longer than 100 characters"),
                decode("{\"type\":\"batch\",\"seq\":" + "1".repeat(101) + "}"));
    }

    @Test
    void shouldRejectNestingDeeperThan32Levels() {
        assertEquals(InboundMessage.Rejected.unreadable("JSON nested deeper than 32 levels"),
                decode("{\"type\":" + "[".repeat(32) + "]".repeat(32) + "}"));
    }

    @Test
    void shouldRejectAMetadataFieldNameLongerThan1024Characters() {
        InboundMessage m = decode("{\"type\":\"batch\",\"seq\":4,\"vectors\":[{\"values\":[1],\"metadata\":{\""
                + "k".repeat(1025) + "\":1}}]}");
        assertEquals(InboundMessage.Rejected.unreadable("a JSON field name longer than 1024 characters"), m);
    }
}
