package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real client (wscat, a node script on npm "ws", curl) run as a child process: lines go to its
 * stdin, its stdout lines are read with a timeout. A missing client fails the test.
 */
final class ClientProcess implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final List<String> seen = new ArrayList<>();
    private final Thread stdout;

    private ClientProcess(ProcessBuilder builder) throws IOException {
        this.process = builder.start();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdout = pipe(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                true);
        pipe(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
    }

    /** The directory holding node_modules with ws and wscat (system property vxdb.test.clients). */
    static Path nodeModules() {
        String dir = System.getProperty("vxdb.test.clients");
        assertTrue(dir != null, "system property vxdb.test.clients is not set (surefire sets it)");
        Path modules = Path.of(dir, "node_modules");
        assertTrue(Files.isDirectory(modules.resolve("ws")) && Files.isDirectory(modules.resolve("wscat")),
                "npm clients missing in " + modules + ": run ops/install-deps.sh --test");
        return modules;
    }

    /** node on one of the test scripts of src/test/resources/ws. */
    static ClientProcess node(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", resource(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().put("NODE_PATH", nodeModules().toString());
        return new ClientProcess(b);
    }

    static ClientProcess wscat(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(nodeModules().resolve(".bin/wscat").toString()));
        command.addAll(List.of(args));
        return new ClientProcess(new ProcessBuilder(command));
    }

    static ClientProcess command(String... command) throws IOException {
        return new ClientProcess(new ProcessBuilder(command));
    }

    private static Path resource(String script) {
        try {
            return Path.of(ClientProcess.class.getResource("/ws/" + script).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test script ws/" + script + " not found", e);
        }
    }

    private Thread pipe(BufferedReader reader, boolean out) {
        Thread t = new Thread(() -> {
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (out) {
                        lines.add(line);
                    } else {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "client-" + (out ? "stdout" : "stderr"));
        t.setDaemon(true);
        t.start();
        return t;
    }

    void send(String line) throws IOException {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
    }

    /** The next stdout line; fails the test when none comes in time. */
    String next() throws InterruptedException {
        return next(WAIT);
    }

    String next(Duration wait) throws InterruptedException {
        String line = lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            fail("no output from the client within " + wait + "; lines so far: " + seen + "; stderr: " + stderr);
        }
        seen.add(line);
        return line;
    }

    /** Waits for the process to end; fails the test when it does not in time. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("client still running after " + WAIT + "; lines: " + seen + "; stderr: " + stderr);
        }
        return process.exitValue();
    }

    /** Every stdout line not read yet, once the process has ended. */
    List<String> remainingLines() throws InterruptedException {
        exitCode();
        stdout.join(WAIT.toMillis()); // it reads to the end of the output
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    /** SIGKILL: the client vanishes without a close frame. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
