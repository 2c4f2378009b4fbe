package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.ws.StreamTesting.utf8Length;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.Value;
import org.vxdb.coordinator.testing.InProcessCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams from npm "ws" clients: many batches within the credit (text and binary frames), the
 * accepted acknowledgement level, binary metadata, and a client killed mid-stream.
 */
class WebSocketStreamIngestTest {

    /** 16 KiB messages: a credit of 32 KiB, so a stream of a few hundred KB must wait for acks. */
    static final String LIMITS = "connections:\n  max_request_bytes: 16KiB\n";
    static final int CREDITS = 32 * 1024;
    static final int DIMENSION = 8;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ACK = Pattern.compile("^msg \\{\"type\":\"ack\",\"up_to\":(\\d+),");

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, LIMITS);
        StreamTesting.createCollection(cluster, "stream", DIMENSION);
        StreamTesting.createCollection(cluster, "small", 3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldStreamTextAndBinaryBatchesWithinTheCreditWithCumulativeAcks() throws Exception {
        int batches = 200;
        int rows = 20;
        long idBase = 1_000_000;
        long batchesBefore = StreamTesting.wsBatches(cluster, "OK");
        try (ClientProcess client = ClientProcess.node("ws-stream.js", StreamTesting.url(cluster, "?collection=stream"),
                String.valueOf(batches), String.valueOf(rows), String.valueOf(DIMENSION), String.valueOf(idBase),
                "mixed")) {
            JsonNode summary = summary(client);
            assertEquals(batches, summary.get("acked_up_to").asInt());
            assertEquals(batches * rows, summary.get("written").asInt());
            assertEquals(CREDITS, summary.get("credits").asInt());
            assertTrue(summary.get("max_held").asInt() <= CREDITS, summary.toString());
            assertTrue(summary.get("credit_waits").asInt() > 0, "the stream is larger than the credit: " + summary);
            assertEquals(batches / 2, summary.get("text_frames").asInt());
            assertEquals(batches / 2, summary.get("binary_frames").asInt());
            assertEquals(0, summary.get("backoffs").asInt());
            assertEquals("close 1000 done", client.next());
            assertEquals(0, client.exitCode());
        }
        assertRowsWritten(idBase, batches * rows);
        assertEquals(batches, StreamTesting.wsBatches(cluster, "OK") - batchesBefore, "vxdb_protocol_requests_total");
    }

    @Test
    void shouldKeepEveryAcknowledgedRowWhenTheClientIsKilledMidStream() throws Exception {
        long idBase = 5_000_000;
        int rows = 20;
        long lastAck = 0;
        try (ClientProcess client = ClientProcess.node("ws-stream.js", StreamTesting.url(cluster, "?collection=stream"),
                "100000", String.valueOf(rows), String.valueOf(DIMENSION), String.valueOf(idBase), "binary")) {
            while (lastAck < 30) {
                Matcher ack = ACK.matcher(client.next());
                if (ack.find()) {
                    lastAck = Long.parseLong(ack.group(1));
                }
            }
            client.kill();
        }
        // every acknowledged batch is in the cluster, with its exact values
        assertRowsWritten(idBase, (int) lastAck * rows);
        // and the server took no harm: a new session streams
        try (ClientProcess again = ClientProcess.node("ws-stream.js", StreamTesting.url(cluster, "?collection=stream"),
                "3", "2", String.valueOf(DIMENSION), "9000000", "text")) {
            assertEquals(3, summary(again).get("acked_up_to").asInt());
        }
    }

    @Test
    void shouldAcknowledgeAcceptedBatchesBeforeTheCoreHasJudgedThem() throws Exception {
        String good = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":1,\"values\":[1,2,3]},"
                + "{\"id\":2,\"values\":[4,5,6]}]}";
        String bad = "{\"type\":\"batch\",\"seq\":2,\"vectors\":[{\"id\":3,\"values\":[1,2,3]},"
                + "{\"id\":4,\"values\":[1]}]}";
        String last = "{\"type\":\"batch\",\"seq\":3,\"vectors\":[{\"id\":5,\"values\":[7,8,9]}]}";
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=small&ack=accepted"))) {
            assertTrue(client.message().contains("\"ack\":\"accepted\""));
            client.texts(List.of(good, bad, last));
            assertEquals("{\"type\":\"ack\",\"up_to\":1,\"accepted\":2,\"credit\":" + utf8Length(good) + "}",
                    client.message());
            assertEquals("{\"type\":\"ack\",\"up_to\":2,\"accepted\":2,\"credit\":" + utf8Length(bad) + "}",
                    client.message());
            // the ack of batch 2 did not promise it would be written: its error follows, its credit already returned
            assertEquals("{\"type\":\"error\",\"seq\":2,\"row\":1,\"code\":\"INVALID_ARGUMENT\",\"message\":"
                    + "\"vectors[1]: has 1 dimensions, collection 'small' has 3\",\"credit\":0}", client.message());
            assertEquals("{\"type\":\"ack\",\"up_to\":3,\"accepted\":1,\"credit\":" + utf8Length(last) + "}",
                    client.message());
        }
        // batch 1 finished before batch 2 started (one batch at a time), batch 3 may still be running
        assertEquals(2, StreamTesting.get(cluster, "small", List.of(1L, 2L)).getVectorsCount());
        assertEquals(List.of(3L, 4L), StreamTesting.get(cluster, "small", List.of(3L, 4L)).getMissingIdsList());
        awaitRow("small", 5L);
    }

    @Test
    void shouldWriteBinaryRowsWithAndWithoutMetadata() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=small&consistency=one"))) {
            assertTrue(client.message().contains("\"consistency\":\"one\""));
            client.binary(Map.of("seq", 1, "dimension", 3, "flags", 1, "rows", List.of(
                    Map.of("id", "18446744073709551615", "values", List.of(0.5, 1.5, 2.5),
                            "metadata", Map.of("tag", "a", "score", 1.25, "n", 3, "ok", false)),
                    Map.of("id", 21, "values", List.of(3, 4, 5)))));
            assertEquals("{\"type\":\"ack\",\"up_to\":1,\"written\":2,\"credit\":"
                    + (24 + 2 * (8 + 12 + 4) + utf8Length("{\"tag\":\"a\",\"score\":1.25,\"n\":3,\"ok\":false}")) + "}",
                    client.message());
        }
        GetResponse rows = StreamTesting.get(cluster, "small", List.of(-1L, 21L));
        assertEquals(2, rows.getVectorsCount());
        StoredVector max = rows.getVectors(0);
        assertEquals(-1L, max.getId(), "id 2^64-1");
        assertEquals(List.of(0.5f, 1.5f, 2.5f), max.getValuesList());
        assertEquals(Map.of("tag", Value.newBuilder().setStringValue("a").build(),
                "score", Value.newBuilder().setDoubleValue(1.25).build(),
                "n", Value.newBuilder().setIntValue(3).build(),
                "ok", Value.newBuilder().setBoolValue(false).build()), max.getMetadataMap());
        assertEquals(Map.of(), rows.getVectors(1).getMetadataMap());
    }

    /** Reads ws-stream.js's lines up to its summary. */
    private static JsonNode summary(ClientProcess client) throws Exception {
        for (String line = client.next(); ; line = client.next()) {
            assertTrue(line.startsWith("msg ") || line.startsWith("summary "), line);
            if (line.startsWith("summary ")) {
                return JSON.readTree(line.substring("summary ".length()));
            }
        }
    }

    private static void assertRowsWritten(long idBase, int count) {
        for (int from = 0; from < count; from += 1000) {
            List<Long> ids = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                ids.add(idBase + i);
            }
            GetResponse found = StreamTesting.get(cluster, "stream", ids);
            assertEquals(List.of(), found.getMissingIdsList());
            for (StoredVector v : found.getVectorsList()) {
                for (int d = 0; d < DIMENSION; d++) {
                    assertEquals(StreamTesting.value(v.getId(), d), v.getValues(d), "id " + v.getId() + " [" + d + "]");
                }
            }
        }
    }

    private static void awaitRow(String collection, long id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (StreamTesting.get(cluster, collection, List.of(id)).getVectorsCount() == 1) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("row " + id + " never appeared");
    }
}
