package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code curl} as a child process against the REST port and returns what it got:
 * the status, the headers of the final response (lower-case names) and the body.
 */
final class Curl {

    /** One answer as curl saw it. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String base;
    private final Path dir;

    Curl(int port, Path dir) {
        this.base = "http://127.0.0.1:" + port;
        this.dir = dir;
    }

    String url(String path) {
        return base + path;
    }

    Answer get(String path, String... extra) {
        return run(null, concat(new String[] {url(path)}, extra));
    }

    Answer delete(String path, String... extra) {
        return run(null, concat(new String[] {"-X", "DELETE", url(path)}, extra));
    }

    /** A JSON body with {@code Content-Type: application/json}. */
    Answer json(String method, String path, String body, String... extra) {
        return run(body.getBytes(StandardCharsets.UTF_8), concat(new String[] {"-X", method, url(path), "-H",
                "Content-Type: application/json", "--data-binary", "@-"}, extra));
    }

    /** Any arguments; {@code stdin} (may be null) is written to curl's standard input. */
    Answer run(byte[] stdin, String... args) {
        try {
            Path headers = Files.createTempFile(dir, "headers", ".txt");
            Path body = Files.createTempFile(dir, "body", ".bin");
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-o", body.toString(),
                    "-D", headers.toString(), "-w", "%{http_code}"));
            command.addAll(Arrays.asList(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "curl did not finish");
            assertEquals(0, p.exitValue(), "curl failed: " + command + " (exit " + p.exitValue() + ")");
            return new Answer(Integer.parseInt(code), lastHeaders(Files.readAllLines(headers)),
                    Files.readString(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The headers of the last response block (after any 100 Continue). */
    private static Map<String, String> lastHeaders(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("HTTP/")) {
                out.clear();
            }
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("HTTP/")) {
                out.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
