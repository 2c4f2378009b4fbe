package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.ws.StreamTesting.utf8Length;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * Coordinator shutdown with sessions streaming: "shutdown" is announced, the batches already
 * received are finished and acknowledged, later ones are refused, then close 1001.
 */
class WebSocketStreamShutdownTest {

    static final String SHUTDOWN = "{\"type\":\"shutdown\",\"message\":\"the coordinator is shutting down: batches"
            + " already received are finished and acknowledged, later ones are refused; then the session closes"
            + " (1001)\"}";

    @TempDir
    Path dir;
    InProcessCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = InProcessCluster.start(dir);
        StreamTesting.createCollection(cluster, "shut", 3);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static String batch(int seq) {
        return "{\"type\":\"batch\",\"seq\":" + seq + ",\"vectors\":[{\"id\":" + seq + ",\"values\":[1,2,3]}]}";
    }

    private static String ack(int seq) {
        return "{\"type\":\"ack\",\"up_to\":" + seq + ",\"written\":1,\"credit\":" + utf8Length(batch(seq)) + "}";
    }

    @Test
    void shouldAcknowledgeEveryReceivedBatchBeforeClosingWith1001() throws Exception {
        List<String> lines = new ArrayList<>();
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=shut"))) {
            client.message(); // ready
            client.texts(List.of(batch(1), batch(2), batch(3), batch(4), batch(5)));
            // batch 1 answered: the other four, sent with it, have long been received
            assertEquals(ack(1), client.message());
            assertTrue(cluster.coordinator().shutdown(Duration.ofSeconds(20)), "the shutdown drained everything");
            for (String line = client.next(); ; line = client.next()) {
                lines.add(line);
                if (line.startsWith("close ")) {
                    break;
                }
            }
        }
        assertEquals("close 1001 coordinator shutting down", lines.getLast());
        assertEquals(1, lines.stream().filter(l -> l.equals("text " + SHUTDOWN)).count(), lines.toString());
        assertEquals(List.of("text " + ack(2), "text " + ack(3), "text " + ack(4), "text " + ack(5)),
                lines.stream().filter(l -> l.startsWith("text {\"type\":\"ack\"")).toList());
        assertEquals(6, lines.size(), lines.toString());
        assertEquals(5, nodeRows(1, 2, 3, 4, 5).getVectorsCount(), "every acknowledged row is on the nodes");
    }

    @Test
    void shouldRefuseBatchesThatArriveAfterTheAnnouncement() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=shut"))) {
            client.message(); // ready
            int held = StreamTesting.holdBudget(cluster.core().budget());
            CompletableFuture<Boolean> shutdown;
            try {
                // batch 1 is received, and retried while the budget is full
                client.text(batch(1));
                assertTrue(client.message().startsWith("{\"type\":\"backoff\",\"seq\":1,"));
                shutdown = CompletableFuture.supplyAsync(() -> cluster.coordinator().shutdown(Duration.ofSeconds(20)));
                String next = client.message();
                while (!next.equals(SHUTDOWN)) {
                    assertTrue(next.startsWith("{\"type\":\"backoff\",\"seq\":1,"), next);
                    next = client.message();
                }
                // batch 2 comes after the announcement (it waits in the socket while the budget is full)
                client.text(batch(2));
                assertTrue(client.message().startsWith("{\"type\":\"backoff\",\"seq\":1,"));
            } finally {
                StreamTesting.releaseBudget(cluster.core().budget(), held);
            }
            assertEquals(ack(1), client.message());
            assertEquals("{\"type\":\"error\",\"seq\":2,\"code\":\"UNAVAILABLE\",\"message\":\"the coordinator is"
                    + " shutting down: batch 2 was not written; send it again to another coordinator\",\"credit\":"
                    + utf8Length(batch(2)) + "}", client.message());
            assertEquals("close 1001 coordinator shutting down", client.next());
            assertTrue(shutdown.get());
        }
        GetResponse rows = nodeRows(1, 2);
        assertEquals(1, rows.getVectorsCount());
        assertEquals(List.of(2L), rows.getMissingIdsList());
    }

    /** Read from a storage node directly: the coordinator is gone (replication factor 2: each node has every row). */
    private GetResponse nodeRows(long... ids) {
        ManagedChannel node = ManagedChannelBuilder.forAddress("127.0.0.1",
                cluster.nodes().getFirst().grpcAddress().getPort()).usePlaintext().build();
        try {
            GetRequest.Builder request = GetRequest.newBuilder().setCollection("shut");
            for (long id : ids) {
                request.addIds(id);
            }
            return VectorServiceGrpc.newBlockingStub(node).get(request.build());
        } finally {
            node.shutdownNow();
        }
    }
}
