package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.rest.RestAssertions.assertError;
import static org.vxdb.coordinator.rest.RestAssertions.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.node.StorageNode;
import tools.jackson.databind.JsonNode;

/**
 * The limits every listener applies, as an HTTP client meets them: the per-client rate limit
 * (429 + Retry-After), the connection limit (503 + Connection: close), the handshake timeout (408),
 * and storage nodes that are down (503). Each test has its own cluster with its own limits.
 */
class RestLimitsTest {

    private static final int REQUESTS = 20;

    @Test
    void shouldAnswer429WithRetryAfterOnceAClientIsOverItsRateLimit(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"),
                "connections:\n  rate_limit: 2\n  rate_burst: 0\n")) {
            String url = "http://127.0.0.1:" + cluster.restPort() + "/v1/collections";
            Path headers = dir.resolve("headers.txt");
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-D", headers.toString(),
                    "-w", "\\n%{http_code}\\n"));
            for (int i = 0; i < REQUESTS; i++) {
                command.add(url);
            }
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            String[] lines = out.split("\n");
            assertEquals(2 * REQUESTS, lines.length, out);
            int limited = 0;
            for (int i = 0; i < 2 * REQUESTS; i += 2) {
                if (lines[i + 1].equals("429")) {
                    limited++;
                    JsonNode error = json(lines[i]).get("error");
                    assertEquals("RESOURCE_EXHAUSTED", error.get("code").stringValue());
                    assertEquals("rate limit of 2 requests per second exceeded for client 127.0.0.1; retry after 1 s",
                            error.get("message").stringValue());
                } else {
                    assertEquals("200", lines[i + 1], out);
                }
            }
            // 2 pass per one-second period: even if the 20 requests (well under a second's work) were
            // stretched over 5 periods by a busy machine, half of them are refused
            assertTrue(limited >= REQUESTS / 2, out);
            String allHeaders = Files.readString(headers);
            assertEquals(limited, allHeaders.split("Retry-After: 1\r\n", -1).length - 1, allHeaders);
        }
    }

    @Test
    void shouldRefuseAConnectionOverTheLimitWith503AndCloseIt(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"),
                "connections:\n  max_per_listener: 2\n");
             Socket first = new Socket("127.0.0.1", cluster.restPort());
             Socket second = new Socket("127.0.0.1", cluster.restPort())) {
            // each answered once, so both are surely counted by the listener before curl connects
            assertTrue(exchange(first, "GET /v1/collections HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
            assertTrue(exchange(second, "GET /v1/collections HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
            Files.createDirectories(dir.resolve("curl"));
            Curl curl = new Curl(cluster.restPort(), dir.resolve("curl"));
            Curl.Answer refused = curl.get("/v1/collections");
            assertError(refused, 503, "UNAVAILABLE", "the REST listener is at its limit of 2 connections; retry later");
            assertEquals("close", refused.header("connection"));
            assertEquals("1", refused.header("retry-after"));
            first.close();
            // the slot comes back once the server has seen the close
            Curl.Answer after = null;
            for (int i = 0; i < 100 && (after == null || after.status() == 503); i++) {
                Thread.sleep(50);
                after = curl.get("/v1/collections");
            }
            assertEquals(200, after.status(), after.body());
        }
    }

    @Test
    void shouldAnswer408AndCloseWhenNoRequestHeadArrivesInTime(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"),
                "connections:\n  handshake_timeout: 1s\n");
             Socket silent = new Socket("127.0.0.1", cluster.restPort());
             Socket partial = new Socket("127.0.0.1", cluster.restPort())) {
            partial.getOutputStream().write("GET /v1/coll".getBytes(StandardCharsets.US_ASCII));
            for (Socket s : List.of(silent, partial)) {
                s.setSoTimeout(30_000);
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                assertTrue(answer.contains("\r\nconnection: close\r\n"), answer);
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                JsonNode error = json(body).get("error");
                assertEquals("REQUEST_TIMEOUT", error.get("code").stringValue());
                assertEquals("no request arrived within the handshake timeout (1s)", error.get("message").stringValue());
            }
            // a client that sends its request in time is served on the same listener
            try (Socket prompt = new Socket("127.0.0.1", cluster.restPort())) {
                assertTrue(exchange(prompt, "GET /v1/collections HTTP/1.1\r\nHost: x\r\n\r\n")
                        .startsWith("HTTP/1.1 200 OK"));
            }
        }
    }

    @Test
    void shouldAnswer503WhenTheStorageNodesAreDown(@TempDir Path dir) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dir.resolve("c"))) {
            Files.createDirectories(dir.resolve("curl"));
            Curl curl = new Curl(cluster.restPort(), dir.resolve("curl"));
            assertEquals(201, curl.json("POST", "/v1/collections", "{\"name\":\"down\",\"dimension\":2,\"metric\":\"l2\"}")
                    .status());
            cluster.nodes().forEach(StorageNode::close);
            Curl.Answer a = curl.json("PUT", "/v1/collections/down/vectors", "{\"vectors\":[{\"id\":1,\"values\":[1,2]}]}");
            assertEquals(503, a.status(), a.body());
            JsonNode error = json(a.body()).get("error");
            assertEquals("UNAVAILABLE", error.get("code").stringValue());
            String message = error.get("message").stringValue();
            assertTrue(message.startsWith("nothing was written: cluster "), a.body());
            // At consistency ALL (the fixture's) the write is decided by the first replica that fails.
            assertTrue(message.matches(".*replicas acknowledged, ALL needs 2 \\(node-[12] UNAVAILABLE: .*"), a.body());
            assertEquals("1", a.header("retry-after"));
        }
    }

    /** Writes one request and reads one answer (headers and a Content-Length body) from a kept-alive socket. */
    static String exchange(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        s.setSoTimeout(30_000);
        return readResponse(s.getInputStream());
    }

    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
