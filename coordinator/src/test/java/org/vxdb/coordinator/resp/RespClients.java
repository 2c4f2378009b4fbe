package org.vxdb.coordinator.resp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real clients the RESP tests drive, as child processes with a timeout: redis-cli (Debian
 * redis-tools), Debian's python3-redis under /usr/bin/python3, and npm ioredis from the directory
 * the {@code vxdb.test.clients} system property names. A missing client fails the test.
 * Also a raw socket for byte-exact frames.
 */
public final class RespClients {

    private static final long TIMEOUT_SECONDS = 60;

    /**
     * Coordinator YAML for the test clusters: writes wait for both replicas. With the default
     * QUORUM (one of two replicas at RF 2) a read right after an acknowledged write may go to the
     * replica that has not applied it yet, and Redis-style tests (VADD, then VSIM) read their writes.
     */
    static final String READ_YOUR_WRITES = "write:\n  consistency: all\n";

    private RespClients() {
    }

    /** What a child process printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** redis-cli with {@code --no-raw}, so replies print with their types ((integer), (double), (nil), ...). */
    static String redisCli(int port, String... args) {
        return cli(port, false, args);
    }

    /** redis-cli -3 (HELLO 3 first), with {@code --no-raw}. */
    static String redisCli3(int port, String... args) {
        return cli(port, true, args);
    }

    private static String cli(int port, boolean resp3, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--no-raw", "-h", "127.0.0.1", "-p",
                String.valueOf(port)));
        if (resp3) {
            command.add("-3");
        }
        command.addAll(List.of(args));
        Result r = run(command, null, Map.of(), null);
        assertTrue(r.exitCode() == 0, () -> "redis-cli failed: " + r);
        return r.stdout();
    }

    /**
     * One redis-cli session reading commands from stdin, one per line, over one connection. The
     * lines redis-cli adds for slow commands ("(1.02s)") are dropped.
     */
    static String redisCliSession(int port, String commands) {
        Result r = run(List.of("redis-cli", "--no-raw", "-h", "127.0.0.1", "-p", String.valueOf(port)),
                commands.getBytes(StandardCharsets.UTF_8), Map.of(), null);
        assertTrue(r.exitCode() == 0, () -> "redis-cli failed: " + r);
        return r.stdout().replaceAll("(?m)^\\(\\d+\\.\\d+s\\)\n", "");
    }

    /** {@code redis-cli --pipe} with {@code input} on stdin. */
    static Result redisCliPipe(int port, byte[] input) {
        return run(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port), "--pipe"), input, Map.of(),
                null);
    }

    /** A Python script run by Debian's interpreter (which has python3-redis); PORT is in its environment. */
    static Result python(int port, String script) {
        return run(List.of("/usr/bin/python3", "-c", script), null, Map.of("PORT", String.valueOf(port)), null);
    }

    /** A Node script with ioredis resolvable; PORT is in its environment. */
    static Result node(int port, String script) {
        String clients = System.getProperty("vxdb.test.clients");
        if (clients == null) {
            fail("system property vxdb.test.clients is not set (surefire sets it)");
        }
        Path modules = Path.of(clients, "node_modules");
        if (!Files.isDirectory(modules.resolve("ioredis"))) {
            fail("ioredis is not installed in " + modules + " (ops/install-deps.sh --test)");
        }
        return run(List.of("node", "-e", script), null, Map.of("PORT", String.valueOf(port), "NODE_PATH",
                modules.toString()), null);
    }

    static Result run(List<String> command, byte[] stdin, Map<String, String> env, Path cwd) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------

    /** A plain TCP connection for byte-exact frames. */
    public static final class Raw implements AutoCloseable {
        private final Socket socket;

        public Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
        }

        /** Over TLS with {@code tls}'s trust (and certificate, if it has one). */
        public Raw(int port, javax.net.ssl.SSLContext tls) throws IOException {
            socket = tls.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
        }

        public Raw send(String text) throws IOException {
            return send(text.getBytes(StandardCharsets.UTF_8));
        }

        Raw send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        }

        /** Exactly {@code n} bytes (fails after the socket timeout). */
        String read(int n) throws IOException {
            byte[] buf = socket.getInputStream().readNBytes(n);
            return new String(buf, StandardCharsets.UTF_8);
        }

        /** Reads exactly as many bytes as {@code expected} has and returns them. */
        String readLike(String expected) throws IOException {
            return read(expected.getBytes(StandardCharsets.UTF_8).length);
        }

        /** Everything until the server closes the connection (fails if it does not within the timeout). */
        public String readUntilClosed() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = socket.getInputStream().read(buf)) >= 0) {
                    all.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                fail("the server did not close the connection; got so far: " + all.toString(StandardCharsets.UTF_8));
            } catch (java.net.SocketException e) {
                // a reset after the server closed is a close as well
            }
            return all.toString(StandardCharsets.UTF_8);
        }

        /** One line without its CRLF. */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\r') {
                    in.read();
                    break;
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        /**
         * One RESP2 reply: a String for simple strings and bulk strings, "-..." for errors, a Long
         * for integers, a List for arrays, null for nulls.
         */
        public Object readReply() throws IOException {
            String line = readLine();
            char type = line.charAt(0);
            String rest = line.substring(1);
            return switch (type) {
                case '+' -> rest;
                case '-' -> line;
                case ':' -> Long.parseLong(rest);
                case '$' -> {
                    int n = Integer.parseInt(rest);
                    if (n < 0) {
                        yield null;
                    }
                    String body = new String(socket.getInputStream().readNBytes(n), StandardCharsets.UTF_8);
                    socket.getInputStream().readNBytes(2);
                    yield body;
                }
                case '*' -> {
                    int n = Integer.parseInt(rest);
                    if (n < 0) {
                        yield null;
                    }
                    List<Object> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(readReply());
                    }
                    yield items;
                }
                default -> throw new AssertionError("not a RESP2 reply: " + line);
            };
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A command as a RESP array of bulk strings. */
    public static String command(Object... args) {
        StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
        for (Object a : args) {
            String text = String.valueOf(a);
            s.append('$').append(text.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(text)
                    .append("\r\n");
        }
        return s.toString();
    }
}
