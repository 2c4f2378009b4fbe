package org.vxdb.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.function.Executable;

/** What the config tests of every server share (the service-common test-jar). */
public final class ConfigTesting {

    private ConfigTesting() {
    }

    /** A file of the repository, such as a shipped config, found from the module directory the tests run in. */
    public static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Writes {@code text} to {@code file}, creating its directory. */
    public static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** Asserts the defaults of the sections every server has: grpc, http, shutdown, logging. */
    public static void assertServerDefaults(ServerConfig config) {
        assertEquals(new HostAndPort("127.0.0.1", 7100), config.grpcListen());
        assertEquals(new HostAndPort("127.0.0.1", 7180), config.httpListen());
        assertEquals(64 << 20, config.maxMessageBytes());
        assertEquals(64, config.maxConcurrentRequests());
        assertEquals(256, config.maxQueuedRequests());
        assertEquals(10_000, config.maxBatchRows());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.grpcWorkerThreads());
        assertEquals(Duration.ofSeconds(60), config.defaultDeadline());
        assertEquals(Duration.ofSeconds(20), config.shutdownGrace());
        assertEquals("INFO", config.logLevel());
        assertEquals(false, config.tracing().enabled());
    }

    /** Asserts that {@code executable} fails with a {@link ConfigException} saying exactly {@code expected}. */
    public static void assertConfigError(String expected, Executable executable) {
        ConfigException e = assertThrows(ConfigException.class, executable);
        assertEquals(expected, e.getMessage());
    }
}
