package org.vxdb.coordinator.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class TopologyWatcherTest {

    private static final String LOCAL = TopologyTest.LOCAL;
    private static final String MOVED = LOCAL.replace("127.0.0.1:7103", "10.0.0.3:7103");
    /** LOCAL with another port for node-3: the same size. */
    private static final String SAME_SIZE = LOCAL.replace("127.0.0.1:7103", "127.0.0.1:7109");
    private static final Instant WRITTEN = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    private Path file;
    private final List<Topology> handedOver = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(TopologyWatcher.class);

    @BeforeEach
    void setUp() throws IOException {
        file = tmp.resolve("topology.yaml");
        write(LOCAL);
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(log);
    }

    @Test
    void shouldHandOverAChangedTopologyAndLogWhatChanged() throws IOException {
        TopologyWatcher watcher = watcher(Clock.systemUTC());
        watcher.checkNow();
        assertEquals(List.of(), handedOver);
        write(MOVED);
        watcher.checkNow();
        assertEquals(List.of(Topology.parse(MOVED)), handedOver);
        assertEquals(Topology.parse(MOVED), watcher.current());
        assertLogged(Level.INFO, file + ": topology reloaded: node-3 address 127.0.0.1:7103 -> 10.0.0.3:7103"
                + " (now 12 clusters, RF 2, 3 nodes, 3 ranges)");
    }

    @Test
    void shouldKeepTheCurrentTopologyWhenTheFileIsInvalidAndSayWhyOnce() throws IOException {
        TopologyWatcher watcher = watcher(Clock.systemUTC());
        Topology started = watcher.current();
        write(LOCAL.replace("[node-1, node-2]", "[node-1]"));
        watcher.checkNow();
        watcher.checkNow();
        assertEquals(List.of(), handedOver);
        assertSame(started, watcher.current());
        assertLogged(Level.ERROR, file + ": ranges[0].replicas: has 1 node; replication_factor is 2;"
                + " keeping the current topology");
        write(MOVED);
        watcher.checkNow();
        assertEquals(List.of(Topology.parse(MOVED)), handedOver);
    }

    @Test
    void shouldKeepTheCurrentTopologyOnAYamlSyntaxError() throws IOException {
        TopologyWatcher watcher = watcher(Clock.systemUTC());
        write("total_clusters: 12\nnodes: [\n");
        watcher.checkNow();
        assertEquals(List.of(), handedOver);
        assertEquals(1, log.list.size());
        ILoggingEvent event = log.list.getFirst();
        assertEquals(Level.ERROR, event.getLevel());
        assertTrue(event.getFormattedMessage().startsWith(file + ": line 3, column 1: "), event.getFormattedMessage());
    }

    @Test
    void shouldRefuseToChangeTotalClusters() throws IOException {
        TopologyWatcher watcher = watcher(Clock.systemUTC());
        write(LOCAL.replace("total_clusters: 12", "total_clusters: 16").replace("clusters: 8-11", "clusters: 8-15"));
        watcher.checkNow();
        assertEquals(List.of(), handedOver);
        assertEquals(12, watcher.current().totalClusters());
        assertLogged(Level.ERROR, file + ": total_clusters cannot change from 12 to 16 without moving every vector;"
                + " keeping the current topology");
    }

    @Test
    void shouldIgnoreARewriteThatKeepsTheTopology() throws IOException {
        TopologyWatcher watcher = watcher(Clock.systemUTC());
        write("# comments added\n" + LOCAL.replace("replication_factor: 2",
                "replication_factor: 2  # two copies"));
        watcher.checkNow();
        assertEquals(List.of(), handedOver);
        assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList());
    }

    @Test
    void shouldReportAMissingFileOnceAndRecoverWhenItIsBack() throws IOException {
        TopologyWatcher watcher = watcher(Clock.systemUTC());
        watcher.checkNow();
        Files.delete(file);
        watcher.checkNow();
        watcher.checkNow();
        assertLogged(Level.ERROR, file + ": no such file; keeping the current topology");
        write(MOVED);
        watcher.checkNow();
        assertEquals(List.of(Topology.parse(MOVED)), handedOver);
    }

    @Test
    void shouldRereadAFileModifiedJustBeforeItWasReadEvenIfSizeAndTimeStayTheSame() throws IOException {
        // A rewrite within the same modification-time tick: only the content tells.
        TopologyWatcher watcher = watcher(Clock.fixed(WRITTEN.plusMillis(500), ZoneOffset.UTC));
        writeAt(LOCAL, WRITTEN);
        watcher.checkNow();
        assertEquals(SAME_SIZE.length(), Files.size(file));
        writeAt(SAME_SIZE, WRITTEN);
        watcher.checkNow();
        assertEquals(List.of(Topology.parse(SAME_SIZE)), handedOver);
    }

    @Test
    void shouldTrustSizeAndTimeOfAFileThatHadSettledWhenRead() throws IOException {
        TopologyWatcher watcher = watcher(Clock.fixed(WRITTEN.plus(TopologyWatcher.SETTLE_TIME).plusMillis(1),
                ZoneOffset.UTC));
        writeAt(LOCAL, WRITTEN);
        watcher.checkNow();
        // Not something that happens to a real file: new content with the old size and time.
        writeAt(SAME_SIZE, WRITTEN);
        watcher.checkNow();
        assertEquals(List.of(), handedOver);
        writeAt(SAME_SIZE, WRITTEN.plusSeconds(1));
        watcher.checkNow();
        assertEquals(1, handedOver.size());
    }

    @Test
    void shouldKeepTheCurrentTopologyWhenApplyingItFails() throws IOException {
        TopologyWatcher watcher = new TopologyWatcher(file, Topology.parse(LOCAL), topology -> {
            throw new IllegalStateException("no channel");
        }, Clock.systemUTC());
        write(MOVED);
        watcher.checkNow();
        assertEquals(Topology.parse(LOCAL), watcher.current());
        assertLogged(Level.ERROR, file + ": applying the new topology failed; keeping the current topology");
    }

    @Test
    void shouldScheduleChecksUntilClosed() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
        try {
            assertThrows(IllegalArgumentException.class, () -> TopologyWatcher.start(file, Topology.parse(LOCAL),
                    Duration.ZERO, handedOver::add, scheduler));
            TopologyWatcher watcher = TopologyWatcher.start(file, Topology.parse(LOCAL), Duration.ofHours(1),
                    handedOver::add, scheduler);
            assertEquals(1, scheduler.getQueue().size());
            assertLogged(Level.INFO, file + ": checking for topology changes every 1h");
            watcher.close();
            watcher.close();
            assertEquals(0, scheduler.getQueue().size());
        } finally {
            scheduler.shutdownNow();
        }
    }

    private TopologyWatcher watcher(Clock clock) {
        return new TopologyWatcher(file, Topology.parse(LOCAL), handedOver::add, clock);
    }

    private void write(String yaml) throws IOException {
        Files.writeString(file, yaml);
    }

    private void writeAt(String yaml, Instant modified) throws IOException {
        write(yaml);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private void assertLogged(Level level, String message) {
        List<String> logged = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .toList();
        assertEquals(List.of(level + " " + message), logged);
    }
}
