package org.vxdb.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the dashboard in Debian's Chromium through npm {@code playwright-core}: runs
 * {@code dashboard/dashboard.cjs} (test resources) with a list of steps and returns what it
 * printed. Screenshots go to {@code target/dashboard-screenshots}, kept as test artifacts.
 */
final class DashboardBrowser {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String CHROMIUM = "/usr/bin/chromium";

    private DashboardBrowser() {
    }

    /** Runs {@code steps} (a JSON array) in one browser session against {@code baseUrl}. */
    static JsonNode run(String baseUrl, String steps) throws IOException, InterruptedException {
        Files.createDirectories(SCREENSHOTS);
        Path modules = nodeModules();
        assertTrue(Files.isExecutable(Path.of(CHROMIUM)), CHROMIUM + " is missing: run ops/install-deps.sh --test");
        ProcessBuilder b = new ProcessBuilder(List.of("node", script().toString(), baseUrl,
                SCREENSHOTS.toAbsolutePath().toString(), steps));
        b.environment().put("NODE_PATH", modules.toString());
        b.environment().put("VXDB_CHROMIUM", CHROMIUM);
        Process p = b.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the browser run did not finish");
        assertEquals(0, p.exitValue(), () -> "the browser run failed:\n" + err.join() + "\n" + out);
        JsonNode result = JSON.readTree(out);
        assertEquals(JSON.readTree("[]"), result.get("page_errors"), "uncaught errors in the page");
        return result;
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** node_modules of ops/test-clients with playwright-core (system property vxdb.test.clients). */
    private static Path nodeModules() {
        String dir = System.getProperty("vxdb.test.clients");
        assertTrue(dir != null, "system property vxdb.test.clients is not set (surefire and failsafe set it)");
        Path modules = Path.of(dir, "node_modules");
        assertTrue(Files.isDirectory(modules.resolve("playwright-core")),
                "playwright-core missing in " + modules + ": run ops/install-deps.sh --test");
        return modules;
    }

    private static Path script() {
        try {
            return Path.of(DashboardBrowser.class.getResource("/dashboard/dashboard.cjs").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test script dashboard/dashboard.cjs not found", e);
        }
    }

    /** A count as the page shows it ("1,234"). */
    static long count(JsonNode text) {
        return Long.parseLong(text.stringValue().replace(",", ""));
    }
}
