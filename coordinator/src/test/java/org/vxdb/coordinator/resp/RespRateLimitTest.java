package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/** The per-client rate limit answered as {@code -BUSY} with the core's message; the connection stays. */
class RespRateLimitTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, "connections:\n  rate_limit: 5\n");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldAnswerCommandsOverTheRateLimitWithBusy() throws Exception {
        List<Object> replies = new ArrayList<>();
        try (RespClients.Raw c = new RespClients.Raw(cluster.respPort())) {
            c.send("PING\r\n".repeat(30));
            for (int i = 0; i < 30; i++) {
                replies.add(c.readReply());
            }
        }
        long pongs = replies.stream().filter("PONG"::equals).count();
        long busy = replies.stream().filter(("-BUSY rate limit of 5 requests per second exceeded for client 127.0.0.1;"
                + " retry after 1 s")::equals).count();
        assertEquals(30, pongs + busy, replies.toString());
        // 5 a second: 30 commands sent at once cannot all pass, whichever second boundaries they straddle.
        assertTrue(busy >= 10 && pongs >= 1, replies.toString());
    }
}
