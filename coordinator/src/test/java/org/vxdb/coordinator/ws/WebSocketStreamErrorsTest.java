package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.ws.StreamTesting.utf8Length;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * Bad input over real clients (npm "ws", curl): every problem gets its exact error message or
 * close code, nothing half-written, and the server keeps serving new sessions.
 */
class WebSocketStreamErrorsTest {

    static final String LIMITS = "connections:\n  max_request_bytes: 16KiB\n";

    @TempDir
    static Path dir;
    static InProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, LIMITS);
        StreamTesting.createCollection(cluster, "errs", 3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** After every test: the server still opens a session and writes a batch. */
    @AfterEach
    void serverStillServes() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            assertTrue(client.message().startsWith("{\"type\":\"ready\""));
            String batch = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":999,\"values\":[1,2,3]}]}";
            client.text(batch);
            assertEquals("{\"type\":\"ack\",\"up_to\":1,\"written\":1,\"credit\":" + utf8Length(batch) + "}",
                    client.message());
        }
    }

    private static String error(String message, int credit) {
        return "{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"" + message + "\",\"credit\":" + credit
                + "}";
    }

    private static String error(long seq, Integer row, String message, int credit) {
        return "{\"type\":\"error\",\"seq\":" + seq + (row == null ? "" : ",\"row\":" + row)
                + ",\"code\":\"INVALID_ARGUMENT\",\"message\":\"" + message + "\",\"credit\":" + credit + "}";
    }

    @Test
    void shouldAnswerMalformedTextMessagesAndKeepTheStreamGoing() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            client.text("[1,2]");
            assertEquals(error("a message must be a JSON object, got an array", 5), client.message());
            client.text("{\"type\":\"upsert\"}");
            assertEquals(error("unknown message type 'upsert' (use open or batch)", 17), client.message());
            client.text("{\"seq\":1}");
            assertEquals(error("type: required (open or batch)", 9), client.message());
            client.text("{\"type\":\"batch\",\"vectors\":[]}");
            assertEquals(error("seq: required", 29), client.message());
            client.text("{\"type\":\"batch\",\"seq\":\"1\",\"vectors\":[]}");
            assertEquals(error("seq: must be an integer from 0 to 18446744073709551615, got a string", 39),
                    client.message());

            String truncated = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":1,\"values\":[1,2";
            client.text(truncated);
            assertEquals(error("malformed JSON: Unexpected end-of-input: expected close marker for Array"
                    + " (line 1, column 57)", utf8Length(truncated)),
                    client.message());
            String deep = "{\"type\":\"batch\",\"seq\":2,\"vectors\":" + "[".repeat(200) + "]".repeat(200) + "}";
            client.text(deep);
            assertEquals(error("JSON nested deeper than 32 levels", utf8Length(deep)),
                    client.message());

            String wrongType = "{\"type\":\"batch\",\"seq\":3,\"vectors\":[{\"id\":1,\"values\":[1,2,3]},"
                    + "{\"id\":2,\"values\":[\"a\",2,3]}]}";
            client.text(wrongType);
            assertEquals(error(3, 1, "vectors[1].values[0]: must be a number, got a string", utf8Length(wrongType)),
                    client.message());
            String negativeId = "{\"type\":\"batch\",\"seq\":4,\"vectors\":[{\"id\":-1,\"values\":[1,2,3]}]}";
            client.text(negativeId);
            assertEquals(error(4, 0, "vectors[0].id: must be an integer from 0 to 18446744073709551615"
                    + " (a number or a string of digits), got -1", utf8Length(negativeId)), client.message());
            String seqLast = "{\"type\":\"batch\",\"vectors\":[{\"id\":1,\"values\":[1,2,3],\"extra\":1}],\"seq\":5}";
            client.text(seqLast);
            assertEquals(error(5, 0, "vectors[0]: unknown field 'extra' (use id, values, metadata)",
                    utf8Length(seqLast)), client.message());
            String nested = "{\"type\":\"batch\",\"seq\":6,\"vectors\":[{\"id\":1,\"values\":[1,2,3],"
                    + "\"metadata\":{\"a\":{\"b\":1}}}]}";
            client.text(nested);
            assertEquals(error(6, 0, "vectors[0].metadata[\\\"a\\\"]: must be a string, number or boolean, got an"
                    + " object",
                    utf8Length(nested)), client.message());
            String notFinite = "{\"type\":\"batch\",\"seq\":7,\"vectors\":[{\"id\":1,\"values\":[1,1e999,3]}]}";
            client.text(notFinite);
            assertEquals(error(7, 0, "vectors[0]: component 1 is not finite (Infinity)", utf8Length(notFinite)),
                    client.message());

            String hugeInt = "{\"type\":\"batch\",\"seq\":8,\"vectors\":[{\"id\":1,\"values\":[1,2,3],"
                    + "\"metadata\":{\"n\":18446744073709551616}}]}";
            client.text(hugeInt);
            assertEquals(error(8, 0, "vectors[0].metadata[\\\"n\\\"]: 18446744073709551616 is outside the 64-bit"
                    + " integer range", utf8Length(hugeInt)), client.message());

            String good = "{\"type\":\"batch\",\"seq\":9,\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}";
            client.text(good);
            assertEquals("{\"type\":\"ack\",\"up_to\":9,\"written\":1,\"credit\":" + utf8Length(good) + "}",
                    client.message());
        }
        assertEquals(List.of(2L), StreamTesting.get(cluster, "errs", List.of(1L, 2L)).getMissingIdsList(),
                "only the good batch wrote id 1; the rejected batch 3 wrote neither row");
    }

    @Test
    void shouldAnswerMalformedBinaryFramesAndKeepTheStreamGoing() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            client.hex("010203");
            assertEquals(error("binary batch: 3 bytes is shorter than the 24-byte header", 3), client.message());
            client.hex("00".repeat(24));
            assertEquals(error("binary batch: magic is 0x00000000, expected 'VXWB'", 24), client.message());
            client.binary(Map.of("seq", 1, "dimension", 3, "version", 2, "rows", List.of()));
            assertEquals(error("binary batch: version 2 is not supported (this server reads version 1)", 24),
                    client.message());
            client.binary(Map.of("seq", 2, "dimension", 3, "rowCount", 3, "rows", List.of(
                    Map.of("id", 10, "values", List.of(1, 2, 3)), Map.of("id", 11, "values", List.of(1, 2, 3)))));
            assertEquals(error(2, null, "binary batch: 3 rows of dimension 3 take 60 bytes after the header;"
                    + " the frame has 40", 64), client.message());
            client.binary(Map.of("seq", 3, "dimension", 3, "flags", 2, "rows", List.of(
                    Map.of("id", 10, "values", List.of(1, 2, 3)))));
            assertEquals(error(3, null, "binary batch: unknown flags 0x2 (known: 0x1 metadata)", 44), client.message());
            client.binary(Map.of("seq", 4, "dimension", 2, "rows", List.of(
                    Map.of("id", 10, "values", List.of(1, 2)))));
            assertEquals(error(4, 0, "vectors[0]: has 2 dimensions, collection 'errs' has 3", 40), client.message());
            // metadata that is not JSON: its row is named
            client.hex(BinaryFrames.withBadMetadata(5));
            assertEquals(error(5, 0, "vectors[0].metadata: malformed JSON: Unrecognized token 'nope': was expecting"
                    + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false') (line 1, column 1)",
                    24 + 8 + 12 + 4 + 4), client.message());
            // headers promising more than any frame could hold: refused before anything is allocated
            client.binary(Map.of("seq", 6, "dimension", 3, "rowCount", 4294967295L, "rows", List.of(
                    Map.of("id", 10, "values", List.of(1, 2, 3)))));
            assertEquals(error(6, null, "binary batch: 4294967295 rows of dimension 3 take 85899345900 bytes after"
                    + " the header; the frame has 20", 44), client.message());
            client.binary(Map.of("seq", 7, "dimension", 4294967295L, "flags", 1, "rows", List.of(
                    Map.of("id", 10, "values", List.of(1, 2, 3)))));
            assertEquals(error(7, null, "binary batch: 1 rows of dimension 4294967295 with metadata need at least"
                    + " 17179869192 bytes after the header; the frame has 24", 48), client.message());
            client.binary(Map.of("seq", 8, "dimension", 3, "rows", List.of(
                    Map.of("id", 10, "values", List.of(1, 2, 3)))));
            assertEquals("{\"type\":\"ack\",\"up_to\":8,\"written\":1,\"credit\":44}", client.message());
        }
        assertEquals(List.of(11L), StreamTesting.get(cluster, "errs", List.of(10L, 11L)).getMissingIdsList());
    }

    @Test
    void shouldCloseWith1009WhenAMessageIsLargerThanTheLimit() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            client.command(Map.of("big", 20_000));
            assertEquals("close 1009 message too big: the limit is 16384 bytes per message"
                    + " (connections.max_request_bytes)", client.next());
        }
    }

    @Test
    void shouldCloseWith1009WhenAFragmentedMessageAddsUpToMoreThanTheLimit() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            client.command(Map.of("fragments", List.of(10_000, 10_000)));
            assertEquals("close 1009 message too big: the limit is 16384 bytes per message"
                    + " (connections.max_request_bytes)", client.next());
        }
    }

    @Test
    void shouldCloseWith1007WhenATextFrameIsNotUtf8() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            client.command(Map.of("textHex", "7b22c3"));
            assertEquals("close 1007 bytes are not UTF-8", client.next());
        }
    }

    @Test
    void shouldCloseWith1008WhenASequenceNumberDoesNotIncrease() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            String batch = "{\"type\":\"batch\",\"seq\":5,\"vectors\":[{\"id\":30,\"values\":[1,2,3]}]}";
            client.text(batch);
            assertEquals("{\"type\":\"ack\",\"up_to\":5,\"written\":1,\"credit\":" + utf8Length(batch) + "}",
                    client.message());
            client.text(batch);
            assertEquals("{\"type\":\"error\",\"seq\":5,\"code\":\"INVALID_ARGUMENT\",\"message\":\"seq 5 is not"
                    + " greater than the previous seq 5: sequence numbers must increase within a session\"}",
                    client.message());
            assertEquals("close 1008 seq 5 is not greater than the previous seq 5: sequence numbers must increase"
                    + " within a session", client.next());
        }
    }

    @Test
    void shouldCloseWith1008ForABadOpen() throws Exception {
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=nope"))) {
            assertEquals("{\"type\":\"error\",\"code\":\"NOT_FOUND\",\"message\":\"unknown collection 'nope'\"}",
                    client.message());
            assertEquals("close 1008 unknown collection 'nope'", client.next());
        }
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs&ack=fast"))) {
            assertEquals("{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"ack: 'fast' is invalid:"
                    + " use durable or accepted\"}", client.message());
            assertEquals("close 1008 ack: 'fast' is invalid: use durable or accepted", client.next());
        }
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs&colection=x"))) {
            assertEquals("{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"unknown query parameter"
                    + " 'colection' (use collection, ack, consistency)\"}", client.message());
            assertEquals("close 1008 unknown query parameter 'colection' (use collection, ack, consistency)",
                    client.next());
        }
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, ""))) {
            client.text("{\"type\":\"open\",\"collection\":\"errs\",\"consistency\":\"most\"}");
            assertEquals("{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"consistency: 'most' is"
                    + " invalid: use one, quorum or all\"}", client.message());
            assertEquals("close 1008 consistency: 'most' is invalid: use one, quorum or all", client.next());
        }
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, ""))) {
            client.text("{\"type\":\"batch\",\"seq\":1,\"vectors\":[]}");
            assertEquals("{\"type\":\"error\",\"seq\":1,\"code\":\"INVALID_ARGUMENT\",\"message\":\"batch 1 came"
                    + " before the session was opened: send an open message first (or connect with"
                    + " ?collection=NAME)\"}", client.message());
            assertEquals("close 1008 batch 1 came before the session was opened: send an open message first (or"
                    + " connect with ?collection=NAME)", client.next());
        }
        try (LinesClient client = LinesClient.open(StreamTesting.url(cluster, "?collection=errs"))) {
            client.message(); // ready
            client.text("{\"type\":\"open\",\"collection\":\"errs\"}");
            assertEquals("{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"open: the session is already"
                    + " open on collection 'errs'\"}", client.message());
            assertEquals("close 1008 open: the session is already open on collection 'errs'", client.next());
        }
    }

    /** curl with these headers: its status line and the JSON error of its body, request id left out. */
    private static void assertRefused(List<String> headers, String status, String message) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-s", "-i", "-H", "X-Request-Id: r1"));
        command.addAll(headers);
        command.add("http://127.0.0.1:" + cluster.restPort() + WebSocketStreams.PATH + "?collection=errs");
        try (ClientProcess curl = ClientProcess.command(command.toArray(String[]::new))) {
            List<String> lines = curl.remainingLines();
            assertEquals("HTTP/1.1 " + status, lines.getFirst(), lines.toString());
            assertEquals(status.startsWith("426"), lines.contains("sec-websocket-version: 13"), lines.toString());
            assertEquals("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"" + message
                    + "\",\"request_id\":\"r1\"}}", lines.getLast());
        }
    }

    @Test
    void shouldAnswerAJsonErrorToARequestThatIsNotAnUpgradeOrABrokenOne() throws Exception {
        String url = "http://127.0.0.1:" + cluster.restPort() + WebSocketStreams.PATH + "?collection=errs";
        try (ClientProcess curl = ClientProcess.command("curl", "-s", "-i", "-H", "X-Request-Id: req-7", url)) {
            assertEquals("HTTP/1.1 400 Bad Request", curl.next());
            assertEquals("content-type: application/json", curl.next());
            String length = curl.next();
            assertTrue(length.startsWith("content-length: "), length);
            assertEquals("X-Request-Id: req-7", curl.next());
            assertEquals("connection: close", curl.next());
            assertEquals("", curl.next());
            assertEquals("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"/v1/stream takes WebSocket upgrades"
                    + " only: a GET with the headers Upgrade: websocket and Connection: Upgrade (got GET without an"
                    + " Upgrade header)\",\"request_id\":\"req-7\"}}", curl.next());
            assertEquals(0, curl.exitCode());
        }
        // an upgrade the handshake cannot take
        assertRefused(List.of("-H", "Upgrade: websocket", "-H", "Connection: Upgrade"), "426 Upgrade Required",
                "WebSocket upgrade: Sec-WebSocket-Version is missing: use 13");
        assertRefused(List.of("-H", "Upgrade: websocket", "-H", "Connection: Upgrade", "-H",
                "Sec-WebSocket-Version: 8", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
                "426 Upgrade Required", "WebSocket upgrade: Sec-WebSocket-Version 8 is not supported: use 13");
        assertRefused(List.of("-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="), "400 Bad Request",
                "WebSocket upgrade: the Connection header must include Upgrade");
        assertRefused(List.of("-H", "Upgrade: websocket", "-H", "Connection: Upgrade", "-H",
                "Sec-WebSocket-Version: 13"), "400 Bad Request", "WebSocket upgrade: Sec-WebSocket-Key is missing");
        // found by RestRequestFuzzTest: what Netty's handshaker would refuse in plain text is ours to refuse in JSON
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
        assertRefused(List.of("-H", "Upgrade: h2c, websocket", "-H", "Connection: Upgrade", "-H",
                "Sec-WebSocket-Version: 13", "-H", key), "400 Bad Request", "/v1/stream takes WebSocket upgrades"
                + " only: a GET with the headers Upgrade: websocket and Connection: Upgrade (got GET with Upgrade:"
                + " h2c, websocket)");
        assertRefused(List.of("-X", "GET", "-d", "x".repeat(10_000), "-H", "Upgrade: websocket", "-H",
                "Connection: Upgrade", "-H", "Sec-WebSocket-Version: 13", "-H", key), "400 Bad Request",
                "WebSocket upgrade: the handshake request carries no body");
        // other paths are the REST adapter's
        try (ClientProcess curl = ClientProcess.command("curl", "-s", "-w", " %{http_code}",
                "http://127.0.0.1:" + cluster.restPort() + "/v1/collections/errs")) {
            String answer = curl.next();
            assertTrue(answer.startsWith("{\"spec\":{\"name\":\"errs\",\"dimension\":3,") && answer.endsWith(" 200"),
                    answer);
        }
    }
}
