package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.rest.RestAssertions.json;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * HTTP/1.1 connection behaviour: keep-alive, pipelined requests answered in order (including
 * ones that fail), HTTP/1.0, Expect: 100-continue, and malformed request heads.
 */
class RestConnectionTest {

    @Test
    void shouldAnswerPipelinedRequestsInOrderOnOneConnection(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"));
             Socket s = new Socket("127.0.0.1", cluster.restPort())) {
            String create = "{\"name\":\"pipe\",\"dimension\":2,\"metric\":\"l2\"}";
            String upsert = "{\"vectors\":[{\"id\":7,\"values\":[1,2]}]}";
            String get = "{\"ids\":[7]}";
            String all = post("/v1/collections", create, "r1")
                    + post("/v1/collections/pipe/vectors", "{\"vectors\":[{\"id\":1,\"values\":[1]}]}", "r2")
                    + "PUT /v1/collections/pipe/vectors HTTP/1.1\r\nHost: x\r\nX-Request-Id: r3\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(upsert.length()) + "\r\n" + upsert + "\r\n0\r\n\r\n"
                    + "GET /v2/nothing HTTP/1.1\r\nHost: x\r\nX-Request-Id: r4\r\n\r\n"
                    + post("/v1/collections/pipe/vectors/get", get, "r5");
            s.getOutputStream().write(all.getBytes(StandardCharsets.UTF_8));
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            String[] expected = {"201 Created", "400 Bad Request", "200 OK", "404 Not Found", "200 OK"};
            for (int i = 0; i < expected.length; i++) {
                String answer = RestLimitsTest.readResponse(in);
                assertTrue(answer.startsWith("HTTP/1.1 " + expected[i] + "\r\n"), i + ": " + answer);
                assertTrue(answer.contains("\r\nX-Request-Id: r" + (i + 1) + "\r\n"), answer);
                assertTrue(!answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
                if (i == 1) {
                    assertTrue(answer.endsWith("\"message\":\"vectors[0]: has 1 dimensions, collection 'pipe' has 2\","
                            + "\"request_id\":\"r2\"}}"), answer);
                }
                if (i == 4) {
                    assertEquals("7", json(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("vectors").get(0)
                            .get("id").stringValue());
                }
            }
        }
    }

    private static String post(String path, String body, String requestId) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + requestId
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void shouldCloseAfterAnHttp10RequestWithoutKeepAlive(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"));
             Socket s = new Socket("127.0.0.1", cluster.restPort())) {
            s.getOutputStream().write("GET /v1/collections HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(30_000);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            assertTrue(answer.contains("\r\nconnection: close\r\n"), answer);
            assertTrue(answer.endsWith("{\"collections\":[]}"), answer);
        }
    }

    @Test
    void shouldAnswerMalformedAndOversizedRequestHeadsAndClose(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"))) {
            String longLine = "GET /v1/collections/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            assertClosingError(cluster, longLine, "414 Request-URI Too Long", "URI_TOO_LONG",
                    "request line longer than 8192 bytes");
            String bigHeaders = "GET /v1/collections HTTP/1.1\r\nHost: x\r\nX-Junk: " + "j".repeat(17000) + "\r\n\r\n";
            assertClosingError(cluster, bigHeaders, "431 Request Header Fields Too Large", "HEADERS_TOO_LARGE",
                    "request headers larger than 16384 bytes");
            String badChunk = "PUT /v1/collections/x/vectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n";
            assertClosingError(cluster, badChunk, "400 Bad Request", "INVALID_ARGUMENT",
                    "malformed HTTP body: Invalid character in chunk size");
            // the listener still serves
            try (Socket s = new Socket("127.0.0.1", cluster.restPort())) {
                assertTrue(RestLimitsTest.exchange(s, "GET /v1/collections HTTP/1.1\r\nHost: x\r\n\r\n")
                        .startsWith("HTTP/1.1 200 OK"));
            }
        }
    }

    private static void assertClosingError(InProcessCluster cluster, String request, String status, String code,
                                           String message) throws Exception {
        try (Socket s = new Socket("127.0.0.1", cluster.restPort())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(30_000);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 " + status + "\r\n"), answer);
            assertTrue(answer.contains("\r\nconnection: close\r\n"), answer);
            var error = json(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("error");
            assertEquals(code, error.get("code").stringValue());
            assertEquals(message, error.get("message").stringValue());
        }
    }

    @Test
    void shouldSend100ContinueBeforeReadingABody(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"))) {
            Files.createDirectories(dir.resolve("curl"));
            Curl curl = new Curl(cluster.restPort(), dir.resolve("curl"));
            Curl.Answer a = curl.json("POST", "/v1/collections", "{\"name\":\"cont\",\"dimension\":2,\"metric\":\"l2\"}",
                    "-H", "Expect: 100-continue", "--expect100-timeout", "30");
            assertEquals(201, a.status(), a.body());
            Curl.Answer refused = curl.run("{}".getBytes(StandardCharsets.UTF_8), "-X", "POST",
                    curl.url("/v1/collections/cont/vectors"), "-H", "Expect: 100-continue", "-H",
                    "Content-Type: text/plain", "--expect100-timeout", "30", "--data-binary", "@-");
            RestAssertions.assertError(refused, 415, "UNSUPPORTED_MEDIA_TYPE",
                    "Content-Type 'text/plain' is not supported: send application/json");
        }
    }
}
