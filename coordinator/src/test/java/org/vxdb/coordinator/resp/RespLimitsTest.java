package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.resp.RespClients.command;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * The listener limits as a RESP client meets them: the connection limit (Redis's own refusal
 * text), max_request_bytes on a single argument and on a whole command, the handshake timeout,
 * and the per-command metrics.
 */
class RespLimitsTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, """
                connections:
                  max_per_listener: 2
                  max_request_bytes: 64KiB
                  handshake_timeout: 1s
                """);
        port = cluster.respPort();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldRefuseTheConnectionBeyondTheLimitInRedisWords() throws Exception {
        try (RespClients.Raw first = connect()) {
            awaitOnlyConnection(first);
            try (RespClients.Raw second = new RespClients.Raw(port)) {
                assertEquals("+PONG\r\n", second.send("PING\r\n").readLike("+PONG\r\n"));
                try (RespClients.Raw third = new RespClients.Raw(port)) {
                    assertEquals("-ERR max number of clients reached\r\n", third.readUntilClosed());
                }
                assertEquals("+PONG\r\n", first.send("PING\r\n").readLike("+PONG\r\n"));
            }
        }
    }

    /** Waits until the server has seen the other tests' connections close, so that only {@code c} counts. */
    private static void awaitOnlyConnection(RespClients.Raw c) throws Exception {
        for (int attempt = 0; attempt < 500; attempt++) {
            Object info = c.send("INFO clients\r\n").readReply();
            if (String.valueOf(info).contains("connected_clients:1\r\n")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("other connections stayed open");
    }

    /**
     * A connection the server has room for (answered a PING). The server releases the connections of
     * earlier tests as it sees them close, so with a limit of 2 a new one may meet the refusal first.
     */
    private static RespClients.Raw connect() throws Exception {
        for (int attempt = 0; attempt < 500; attempt++) {
            RespClients.Raw c = new RespClients.Raw(port);
            if ("PONG".equals(c.send("PING\r\n").readReply())) {
                return c;
            }
            c.close();
            Thread.sleep(10);
        }
        throw new AssertionError("the server refused every connection for 5 s");
    }

    @Test
    void shouldRefuseArgumentsAndCommandsOverMaxRequestBytes() throws Exception {
        String fits = "x".repeat(60_000);
        try (RespClients.Raw c = connect()) {
            String echo = "$60000\r\n" + fits + "\r\n";
            assertEquals(echo, c.send(command("ECHO", fits)).readLike(echo));
        }
        try (RespClients.Raw c = connect()) {
            assertEquals("-ERR Protocol error: invalid bulk length\r\n",
                    c.send(command("ECHO", "y".repeat(70_000))).readUntilClosed());
        }
        try (RespClients.Raw c = connect()) {
            String part = "z".repeat(30_000);
            assertEquals("-ERR Protocol error: command larger than 65536 bytes (connections.max_request_bytes)\r\n",
                    c.send(command("VECTOR.GET", part, part, part)).readUntilClosed());
        }
        try (RespClients.Raw c = connect()) {
            assertEquals("-ERR Protocol error: invalid multibulk length\r\n", c.send("*20000\r\n").readUntilClosed());
        }
    }

    @Test
    void shouldCountEachArgumentAsItIsOnTheWire() throws Exception {
        // 12000 empty arguments are 72000 bytes of "$0\r\n\r\n": over the limit though no argument has content
        try (RespClients.Raw c = connect()) {
            assertEquals("-ERR Protocol error: command larger than 65536 bytes (connections.max_request_bytes)\r\n",
                    c.send("*12000\r\n" + "$0\r\n\r\n".repeat(12_000)).readUntilClosed());
        }
    }

    @Test
    void shouldAbortAMultiBlockLargerThanMaxRequestBytes() throws Exception {
        String part = "m".repeat(40_000);
        String expected = "+OK\r\n+QUEUED\r\n-ERR MULTI block larger than 65536 bytes"
                + " (connections.max_request_bytes)\r\n"
                + "-EXECABORT Transaction discarded because of previous errors.\r\n";
        try (RespClients.Raw c = connect()) {
            c.send(command("MULTI") + command("ECHO", part) + command("ECHO", part) + command("EXEC"));
            assertEquals(expected, c.readLike(expected));
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsNoCommand() throws Exception {
        // No command may be sent here, so a refusal (the limit, while earlier connections are released)
        // is told apart by its text and the connection tried again.
        String refused = "-ERR max number of clients reached\r\n";
        for (int attempt = 0; attempt < 500; attempt++) {
            try (RespClients.Raw silent = new RespClients.Raw(port)) {
                String said = silent.readUntilClosed();
                if (!said.equals(refused)) {
                    assertEquals("", said);
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the server refused every connection for 5 s");
    }

    @Test
    void shouldCountEveryCommandInTheProtocolMetrics() throws Exception {
        try (RespClients.Raw c = connect()) {
            String expected = "+PONG\r\n-ERR unknown command 'BOGUS', with args beginning with: \r\n"
                    + "-ERR unknown collection 'nothing'\r\n";
            c.send("PING\r\nBOGUS\r\nVECTOR.INFO nothing\r\n");
            assertEquals(expected, c.readLike(expected));
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + cluster.coordinator().httpAddress().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(hasSample(metrics, "operation=\"ping\"", "code=\"OK\""), metrics);
        assertTrue(hasSample(metrics, "operation=\"unknown\"", "code=\"INVALID_ARGUMENT\""), metrics);
        assertTrue(hasSample(metrics, "operation=\"vector.info\"", "code=\"NOT_FOUND\""), metrics);
    }

    private static boolean hasSample(String metrics, String operation, String code) {
        return metrics.lines().anyMatch(l -> l.startsWith("vxdb_protocol_requests_total{") && l.contains(code)
                && l.contains(operation) && l.contains("protocol=\"resp\"") && !l.endsWith(" 0.0"));
    }
}
