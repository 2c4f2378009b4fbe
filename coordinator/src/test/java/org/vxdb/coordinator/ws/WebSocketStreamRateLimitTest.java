package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.ws.StreamTesting.utf8Length;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/** A per-client rate limit of one request per second: batches beyond it back off and are retried. */
class WebSocketStreamRateLimitTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, "connections:\n  rate_limit: 1\n");
        StreamTesting.createCollection(cluster, "slow", 3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldBackOffBatchesBeyondTheRateLimitAndAcknowledgeEveryOneInOrder() throws Exception {
        List<String> batches = List.of(
                "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}",
                "{\"type\":\"batch\",\"seq\":2,\"vectors\":[{\"id\":2,\"values\":[1,2,3]}]}",
                "{\"type\":\"batch\",\"seq\":3,\"vectors\":[{\"id\":3,\"values\":[1,2,3]}]}");
        int backoffs = 0;
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=slow"))) {
            client.message(); // ready
            client.texts(batches);
            for (int seq = 1; seq <= 3; seq++) {
                String next = client.message();
                for (int attempt = 1; next.startsWith("{\"type\":\"backoff\""); attempt++, backoffs++) {
                    assertEquals("{\"type\":\"backoff\",\"seq\":" + seq + ",\"retry_after_ms\":1000,\"attempt\":"
                            + attempt + ",\"reason\":\"rate limit of 1 requests per second exceeded for client"
                            + " 127.0.0.1; retry after 1 s\"}", next);
                    next = client.message();
                }
                assertEquals("{\"type\":\"ack\",\"up_to\":" + seq + ",\"written\":1,\"credit\":"
                        + utf8Length(batches.get(seq - 1)) + "}", next);
            }
        }
        // three requests within one second get one permit, or two across a refill: at least one waits
        assertTrue(backoffs >= 1, "backoffs: " + backoffs);
        assertEquals(3, StreamTesting.get(cluster, "slow", List.of(1L, 2L, 3L)).getVectorsCount());
    }
}
