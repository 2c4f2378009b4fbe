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
import org.vxdb.coordinator.core.InFlightBudget;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * The coordinator's in-flight budget full (every slot taken, as a flood of other requests would):
 * the session backs off and retries the batch itself, gives up with 1013 when the budget stays
 * full, and a client that ignores its credit meanwhile is closed with 1008.
 */
class WebSocketStreamBudgetTest {

    static final String LIMITS = "connections:\n  max_request_bytes: 16KiB\n";
    static final String FULL = "coordinator is at its limit of 320 requests in flight (64 running, 256 queued);"
            + " retry with backoff";

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static InFlightBudget budget;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, LIMITS);
        budget = cluster.core().budget();
        StreamTesting.createCollection(cluster, "busy", 3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String backoff(int seq, long delay, int attempt) {
        return "{\"type\":\"backoff\",\"seq\":" + seq + ",\"retry_after_ms\":" + delay + ",\"attempt\":" + attempt
                + ",\"reason\":\"" + FULL + "\"}";
    }

    @Test
    void shouldBackOffWhileTheBudgetIsFullAndWriteTheBatchOnceItFrees() throws Exception {
        String batch = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}";
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=busy"))) {
            client.message(); // ready
            int held = StreamTesting.holdBudget(budget);
            try {
                client.text(batch);
                assertEquals(backoff(1, 100, 1), client.message());
            } finally {
                StreamTesting.releaseBudget(budget, held);
            }
            String next = client.message();
            for (int attempt = 2; next.startsWith("{\"type\":\"backoff\""); attempt++) {
                // released while a retry was already under way: the same batch, backing off further
                assertEquals(backoff(1, Backoff.delayMillis(attempt, 0), attempt), next);
                next = client.message();
            }
            assertEquals("{\"type\":\"ack\",\"up_to\":1,\"written\":1,\"credit\":" + utf8Length(batch) + "}", next);
        }
        assertEquals(1, StreamTesting.get(cluster, "busy", List.of(1L)).getVectorsCount());
    }

    @Test
    void shouldCloseWith1013WhenTheBudgetStaysFull() throws Exception {
        String batch = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":2,\"values\":[1,2,3]}]}";
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=busy"))) {
            client.message(); // ready
            int held = StreamTesting.holdBudget(budget);
            try {
                client.text(batch);
                long[] delays = {100, 200, 400, 800, 1600, 2000};
                for (int attempt = 1; attempt <= delays.length; attempt++) {
                    assertEquals(backoff(1, delays[attempt - 1], attempt), client.message());
                }
                assertEquals("{\"type\":\"error\",\"seq\":1,\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"" + FULL
                        + "\",\"credit\":" + utf8Length(batch) + "}", client.message());
                assertEquals("close 1013 try again later: " + FULL, client.next());
            } finally {
                StreamTesting.releaseBudget(budget, held);
            }
        }
        assertEquals(List.of(2L), StreamTesting.get(cluster, "busy", List.of(2L)).getMissingIdsList());
    }

    @Test
    void shouldCloseWith1008WhenTheClientSendsBeyondItsCredit() throws Exception {
        // ready says credits 32768: three unanswered batches of 11000 bytes are 33000
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=busy"))) {
            assertTrue(client.message().contains("\"credits\":32768,"));
            int held = StreamTesting.holdBudget(budget);
            try {
                client.text(StreamTesting.paddedBatch(1, 3, 11_000));
                assertEquals(backoff(1, 100, 1), client.message());
                // the full budget also stops the server reading: these wait in the socket
                client.texts(List.of(StreamTesting.paddedBatch(2, 4, 11_000), StreamTesting.paddedBatch(3, 5, 11_000)));
                assertEquals(backoff(1, 200, 2), client.message());
            } finally {
                // reading resumes at once, batch 1's next retry is 200 ms away: 2 and 3 arrive while it is held
                StreamTesting.releaseBudget(budget, held);
            }
            String exceeded = "credit exceeded: batch 3 of 11000 bytes makes 33000 bytes unacknowledged; the credit"
                    + " is 32768 bytes";
            assertEquals("{\"type\":\"error\",\"seq\":3,\"code\":\"INVALID_ARGUMENT\",\"message\":\"" + exceeded
                    + "\"}", client.message());
            assertEquals("close 1008 " + exceeded, client.next());
        }
    }
}
