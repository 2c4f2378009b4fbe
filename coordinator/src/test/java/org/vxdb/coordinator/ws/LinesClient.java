package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * ws-lines.js (npm "ws") driven line by line: commands as JSON on its stdin, one event per line
 * on its stdout ("open", "text ...", "ping", "close CODE REASON", "http STATUS BODY").
 */
final class LinesClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ClientProcess process;

    private LinesClient(ClientProcess process) {
        this.process = process;
    }

    /** Connects and waits for the connection to open. */
    static LinesClient open(String url, String... options) throws Exception {
        LinesClient c = start(url, options);
        assertEquals("open", c.next());
        return c;
    }

    static LinesClient start(String url, String... options) throws IOException {
        String[] args = new String[options.length + 1];
        args[0] = url;
        System.arraycopy(options, 0, args, 1, options.length);
        return new LinesClient(ClientProcess.node("ws-lines.js", args));
    }

    void text(String message) throws IOException {
        command(Map.of("text", message));
    }

    void texts(List<String> messages) throws IOException {
        command(Map.of("texts", messages));
    }

    /** A binary batch encoded by binary-batch.js: seq, dimension, rows [{id, values, metadata}], flags ... */
    void binary(Map<String, Object> batch) throws IOException {
        command(Map.of("binary", batch));
    }

    void hex(String bytes) throws IOException {
        command(Map.of("hex", bytes));
    }

    void command(Map<String, Object> command) throws IOException {
        process.send(JSON.writeValueAsString(command));
    }

    String next() throws InterruptedException {
        return process.next();
    }

    /** The next line, which must be a text message from the server; returns the message. */
    String message() throws InterruptedException {
        String line = next();
        assertTrue(line.startsWith("text "), "expected a text message, got: " + line);
        return line.substring("text ".length());
    }

    int exitCode() throws InterruptedException {
        return process.exitCode();
    }

    @Override
    public void close() {
        process.close();
    }
}
