package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.coordinator.ws.StreamTesting.utf8Length;
import static org.vxdb.coordinator.ws.StreamTesting.withoutSession;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Value;
import org.vxdb.coordinator.testing.InProcessCluster;

/** Streams typed by hand in wscat (stdin lines in, stdout lines out), as the docs show. */
class WebSocketStreamWscatTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir);
        StreamTesting.createCollection(cluster, "docs", 3);
        StreamTesting.createCollection(cluster, "notes", 2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /**
     * The next message wscat printed. Its stdin is not a terminal, so it prints each message on a
     * line of its own, after the "> " prompts readline wrote for the lines we typed.
     */
    private static String received(ClientProcess wscat) throws InterruptedException {
        return wscat.next().replaceFirst("^(> )+", "");
    }

    @Test
    void shouldAcknowledgeBatchesCumulativelyAndRejectABadRowWithTheCoreMessage() throws Exception {
        try (ClientProcess wscat = ClientProcess.wscat("-c", StreamTesting.url(cluster, "?collection=docs"))) {
            assertEquals("{\"type\":\"ready\",\"session\":\"*\",\"collection\":\"docs\",\"dimension\":3,"
                    + "\"ack\":\"durable\",\"consistency\":\"default\",\"credits\":67108864,"
                    + "\"max_batch_rows\":10000,\"max_message_bytes\":67108864}", withoutSession(received(wscat)));
            String first = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":11,\"values\":[1,2,3]},"
                    + "{\"id\":\"12\",\"values\":[4,5,6],\"metadata\":{\"lang\":\"en\",\"n\":7,\"ok\":true}}]}";
            String second = "{\"type\":\"batch\",\"seq\":2,\"vectors\":[{\"id\":13,\"values\":[0.5,0.25,0.125]}]}";
            String bad = "{\"type\":\"batch\",\"seq\":3,\"vectors\":[{\"id\":14,\"values\":[1,1,1]},"
                    + "{\"id\":15,\"values\":[1,1]}]}";
            String last = "{\"type\":\"batch\",\"seq\":4,\"vectors\":[{\"id\":16,\"values\":[9,9,9]}]}";
            wscat.send(first);
            wscat.send(second);
            wscat.send(bad);
            wscat.send(last);
            assertEquals("{\"type\":\"ack\",\"up_to\":1,\"written\":2,\"credit\":" + utf8Length(first) + "}",
                    received(wscat));
            assertEquals("{\"type\":\"ack\",\"up_to\":2,\"written\":1,\"credit\":" + utf8Length(second) + "}",
                    received(wscat));
            assertEquals("{\"type\":\"error\",\"seq\":3,\"row\":1,\"code\":\"INVALID_ARGUMENT\","
                    + "\"message\":\"vectors[1]: has 2 dimensions, collection 'docs' has 3\",\"credit\":"
                    + utf8Length(bad) + "}", received(wscat));
            assertEquals("{\"type\":\"ack\",\"up_to\":4,\"written\":1,\"credit\":" + utf8Length(last) + "}",
                    received(wscat));
        }
        GetResponse rows = StreamTesting.get(cluster, "docs", List.of(11L, 12L, 13L, 14L, 15L, 16L));
        assertEquals(List.of(11L, 12L, 13L, 16L), rows.getVectorsList().stream().map(StoredVector::getId).toList());
        assertEquals(List.of(14L, 15L), rows.getMissingIdsList(), "a rejected batch writes none of its rows");
        assertEquals(List.of(4f, 5f, 6f), rows.getVectors(1).getValuesList());
        assertEquals(Value.newBuilder().setStringValue("en").build(), rows.getVectors(1).getMetadataMap().get("lang"));
        assertEquals(Value.newBuilder().setIntValue(7).build(), rows.getVectors(1).getMetadataMap().get("n"));
        assertEquals(Value.newBuilder().setBoolValue(true).build(), rows.getVectors(1).getMetadataMap().get("ok"));
        assertEquals(List.of(0.5f, 0.25f, 0.125f), rows.getVectors(2).getValuesList());
    }

    @Test
    void shouldOpenWithAnOpenMessageAndExplainAMalformedLine() throws Exception {
        // -x sends each message once connected (lines typed before that would be lost), -w 3 then closes
        String batch = "{\"type\":\"batch\",\"seq\":10,\"vectors\":[{\"id\":1,\"values\":[1,2]}]}";
        try (ClientProcess wscat = ClientProcess.wscat("-c", StreamTesting.url(cluster, ""), "-x", "hello",
                "-x", "{\"type\":\"open\",\"collection\":\"notes\",\"ack\":\"durable\",\"consistency\":\"all\"}",
                "-x", batch, "-w", "3")) {
            assertEquals("{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"malformed JSON:"
                    + " Unrecognized token 'hello': was expecting (JSON String, Number, Array, Object or token"
                    + " 'null', 'true' or 'false') (line 1, column 1)\",\"credit\":5}", received(wscat));
            assertEquals("{\"type\":\"ready\",\"session\":\"*\",\"collection\":\"notes\",\"dimension\":2,"
                    + "\"ack\":\"durable\",\"consistency\":\"all\",\"credits\":67108864,"
                    + "\"max_batch_rows\":10000,\"max_message_bytes\":67108864}", withoutSession(received(wscat)));
            assertEquals("{\"type\":\"ack\",\"up_to\":10,\"written\":1,\"credit\":" + utf8Length(batch) + "}",
                    received(wscat));
            assertEquals(0, wscat.exitCode());
        }
        assertEquals(1, StreamTesting.get(cluster, "notes", List.of(1L)).getVectorsCount());
    }
}
