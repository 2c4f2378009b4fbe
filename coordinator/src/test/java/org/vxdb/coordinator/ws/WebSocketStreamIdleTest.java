package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.coordinator.ws.StreamTesting.utf8Length;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/** Idle sessions (idle timeout 1 s): pinged after half of it; closed with 1001 when the ping goes unanswered. */
class WebSocketStreamIdleTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        // a handshake timeout of 1 s too: a session outlives the REST adapter's first-request timer
        cluster = InProcessCluster.start(dir, "connections:\n  idle_timeout: 1s\n  handshake_timeout: 1s\n");
        StreamTesting.createCollection(cluster, "quiet", 3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldPingASilentSessionAndCloseItWith1001WhenThePingGoesUnanswered() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=quiet"), "--no-auto-pong")) {
            client.message(); // ready
            assertEquals("ping", client.next());
            assertEquals("close 1001 idle timeout", client.next());
        }
    }

    @Test
    void shouldKeepASilentSessionWhoseClientAnswersPings() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=quiet"))) {
            client.message(); // ready
            for (int i = 0; i < 4; i++) {
                assertEquals("ping", client.next()); // 4 pings: 2 s of silence, twice the idle timeout
            }
            String batch = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}";
            client.text(batch);
            String next = client.next();
            while (next.equals("ping")) {
                next = client.next();
            }
            assertEquals("text {\"type\":\"ack\",\"up_to\":1,\"written\":1,\"credit\":" + utf8Length(batch) + "}",
                    next);
        }
    }
}
