package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.resp.RespClients.command;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * Bytes no Redis client would send, through a plain socket: each gets Redis's answer (a protocol
 * error closes the connection after the replies before it; a bad command is an error reply and the
 * connection stays), the server stays up, and nothing is half-written.
 */
class RespMalformedInputTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        cluster = InProcessCluster.start(dir, RespClients.READ_YOUR_WRITES);
        port = cluster.respPort();
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send(command("VECTOR.CREATE", "bad", "DIM", "2", "METRIC", "COSINE"));
            assertEquals("+OK\r\n", c.readLike("+OK\r\n"));
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** After every test: the listener still answers a new connection. */
    @AfterEach
    void serverStillAnswers() throws Exception {
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            assertEquals("+PONG\r\n", c.send("*1\r\n$4\r\nPING\r\n").readLike("+PONG\r\n"));
        }
    }

    private static String closedAfter(String bytes) throws Exception {
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            return c.send(bytes).readUntilClosed();
        }
    }

    @Test
    void shouldRefuseAHugeBulkLengthWithoutReadingItAndWriteNothing() throws Exception {
        String halfSent = "*5\r\n$10\r\nVECTOR.ADD\r\n$3\r\nbad\r\n$1\r\n9\r\n$1\r\n1\r\n$100000000\r\n1";
        assertEquals("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n",
                closedAfter("*1\r\n$4\r\nPING\r\n" + halfSent));
        assertEquals("-ERR Protocol error: invalid bulk length\r\n", closedAfter("*1\r\n$99999999999\r\n"));
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            assertEquals("*1\r\n$-1\r\n", c.send(command("VECTOR.GET", "bad", "9")).readLike("*1\r\n$-1\r\n"));
        }
    }

    @Test
    void shouldRefuseHugeArraysNestedArraysAndNonArrayFrames() throws Exception {
        assertEquals("-ERR Protocol error: invalid multibulk length\r\n", closedAfter("*2147483647\r\n"));
        assertEquals("-ERR Protocol error: expected '*', got '+'\r\n", closedAfter("+OK\r\n"));
        assertEquals("-ERR Protocol error: expected '*', got ':'\r\n", closedAfter(":12\r\n"));
        assertEquals("-ERR Protocol error: expected '*', got '$'\r\n", closedAfter("$4\r\nPING\r\n"));
        assertEquals("-ERR Protocol error: expected '$', got ':'\r\n", closedAfter("*2\r\n$4\r\nECHO\r\n:5\r\n"));
        assertEquals("-ERR Protocol error: expected '$', got '*'\r\n",
                closedAfter("*2\r\n$4\r\nECHO\r\n*1\r\n$1\r\na\r\n"));
        assertEquals("-ERR Protocol error: invalid bulk length\r\n", closedAfter("*2\r\n$4\r\nECHO\r\n$-1\r\n"));
        assertEquals("-ERR Protocol error: invalid length\r\n", closedAfter("*1\r\n$x\r\nPING\r\n"));
        assertEquals("-ERR Protocol error: invalid length\r\n", closedAfter("*-5\r\n"));
        assertEquals("-ERR Protocol error: expected CRLF at the end of a line\r\n", closedAfter("*1\r\n$4\r\nPINGxx"));
    }

    @Test
    void shouldCloseOnBadInlineCommandsAfterAnsweringTheGoodOnes() throws Exception {
        assertEquals("+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n",
                closedAfter("PING\r\nECHO \"abc\r\n"));
        assertEquals("-ERR Protocol error: unbalanced quotes in request\r\n", closedAfter("ECHO 'a'b\r\n"));
        assertEquals("-ERR Protocol error: too big inline request\r\n", closedAfter("PING " + "x".repeat(70_000)));
    }

    @Test
    void shouldRunInlineCommandsWithQuotesAndEscapes() throws Exception {
        String expected = "+PONG\r\n$3\r\na b\r\n$3\r\nx\ny\r\n$2\r\nhi\r\n:0\r\n+OK\r\n";
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send("PING\r\nECHO \"a b\"\r\nECHO \"x\\ny\"\r\n\r\nECHO 'hi'\r\nVCARD none\r\nQUIT\r\n");
            assertEquals(expected, c.readUntilClosed());
        }
    }

    @Test
    void shouldForgetATruncatedCommandWhenTheClientGoesAway() throws Exception {
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send("*5\r\n$10\r\nVECTOR.ADD\r\n$3\r\nbad\r\n$2\r\n77\r\n$1\r\n1\r\n$1\r\n");
        }
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            assertEquals("*1\r\n$-1\r\n", c.send(command("VECTOR.GET", "bad", "77")).readLike("*1\r\n$-1\r\n"));
        }
    }

    @Test
    void shouldAnswerWrongTypesWithAnErrorAndKeepTheConnection() throws Exception {
        String expected = "-ERR vector component 1 is not a number: 'two'\r\n"
                + "-ERR vectors[0]: component 0 is not finite (NaN)\r\n"
                + "-ERR vectors[0]: component 1 is not finite (Infinity)\r\n"
                + "-ERR K must be a non-negative integer, got 'ten'\r\n"
                + "-ERR id '1.5' is not an unsigned 64-bit integer\r\n"
                + "-ERR query: component 0 is not finite (NaN)\r\n"
                + "-ERR FP32 vector of 7 bytes is not a whole, non-zero number of 4-byte floats\r\n"
                + "-ERR unknown command 'VECTOR.NOPE', with args beginning with: 'bad' \r\n"
                + "+PONG\r\n";
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send(command("VECTOR.ADD", "bad", "1", "1", "two")
                    + command("VECTOR.ADD", "bad", "1", "NaN", "1")
                    + command("VECTOR.ADD", "bad", "1", "1", "inf")
                    + command("VECTOR.SEARCH", "bad", "K", "ten", "1", "1")
                    + command("VECTOR.GET", "bad", "1.5")
                    + command("VSIM", "bad", "VALUES", "2", "nan", "0")
                    + command("VADD", "bad", "FP32", "1234567", "e")
                    + command("VECTOR.NOPE", "bad")
                    + command("PING"));
            assertEquals(expected, c.readLike(expected));
        }
    }

    @Test
    void shouldRefuseDeepJsonAndDeepFiltersWithoutFallingOver() throws Exception {
        String deepJson = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String deepFilter = "(".repeat(10_000) + ".a == 1" + ")".repeat(10_000);
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send(command("VADD", "bad", "VALUES", "2", "1", "0", "deep", "SETATTR", deepJson)
                    + command("VSIM", "bad", "VALUES", "2", "1", "0", "FILTER", deepFilter)
                    + command("PING"));
            String jsonError = readLine(c);
            assertEquals("-ERR invalid JSON in attributes: JSON nested deeper than 64 levels", jsonError);
            assertEquals("-ERR syntax error in FILTER expression at position 64 near '((((((((((((((((((((((((':"
                    + " nested deeper than 64 levels", readLine(c));
            assertEquals("+PONG", readLine(c));
        }
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            assertEquals(":0\r\n", c.send(command("VISMEMBER", "bad", "deep")).readLike(":0\r\n"));
        }
    }

    @Test
    void shouldAnswerPipelinedCommandsInOrderWithWritesVisibleToLaterReads() throws Exception {
        StringBuilder send = new StringBuilder(command("VECTOR.CREATE", "order", "DIM", "1", "METRIC", "L2"));
        for (int i = 1; i <= 50; i++) {
            send.append(command("VECTOR.ADD", "order", i, i));
            send.append(command("VECTOR.GET", "order", i));
            send.append(command("ECHO", "after " + i));
        }
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send(send.toString().getBytes(StandardCharsets.UTF_8));
            assertEquals("OK", c.readReply());
            for (int i = 1; i <= 50; i++) {
                assertEquals(1L, c.readReply());
                java.util.List<?> got = (java.util.List<?>) c.readReply();
                assertEquals(java.util.List.of("id", String.valueOf(i), "vector", java.util.List.of(String.valueOf(i)),
                        "metadata", java.util.List.of()), got.get(0), "VECTOR.GET right after the add of " + i);
                assertEquals("after " + i, c.readReply());
            }
        }
    }

    @Test
    void shouldEndAnOpenMultiBlockWhenResetArrivesEvenBehindARunningWrite() throws Exception {
        String send = command("VECTOR.ADD", "bad", 7, 1, 0) + command("MULTI") + command("RESET") + command("PING");
        try (RespClients.Raw c = new RespClients.Raw(port)) {
            c.send(send.getBytes(StandardCharsets.UTF_8));
            assertEquals(1L, c.readReply());
            assertEquals("OK", c.readReply());
            assertEquals("RESET", c.readReply());
            assertEquals("PONG", c.readReply());
        }
    }

    private static String readLine(RespClients.Raw c) throws Exception {
        StringBuilder line = new StringBuilder();
        while (true) {
            String ch = c.read(1);
            if (ch.isEmpty()) {
                return line.toString();
            }
            if (ch.equals("\r")) {
                c.read(1);
                return line.toString();
            }
            line.append(ch);
        }
    }
}
