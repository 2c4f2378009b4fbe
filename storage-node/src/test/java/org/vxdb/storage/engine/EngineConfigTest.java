package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.storage.wal.WalConfig;

class EngineConfigTest {

    @TempDir
    Path tmp;

    @Test
    void shouldUseDocumentedDefaults() {
        EngineConfig config = new EngineConfig();
        assertEquals(List.of(), config.dataDirs());
        assertEquals(128L << 20, config.walMaxFileBytes());
        assertEquals(16 << 20, config.walMaxRecordBytes());
        assertEquals(1, config.indexBuilds());
        assertEquals(Duration.ofSeconds(1), config.indexQuietPeriod());
        assertEquals(Duration.ofSeconds(60), config.indexMaxDeferral());
    }

    @Test
    void shouldHandTheIndexDeferralToTheBuildGate() {
        EngineConfig config = new EngineConfig().dataDirs(tmp.resolve("d")).indexQuietPeriod(Duration.ofMillis(300))
                .indexMaxDeferral(Duration.ofSeconds(5)).conclude();
        assertEquals(Duration.ofMillis(300), config.buildGate().quietPeriod());
        assertEquals(Duration.ofSeconds(5), config.buildGate().maxDeferral());
        assertMessage("indexQuietPeriod PT-1S is invalid: use 0 (no deferral) or more",
                () -> new EngineConfig().dataDirs(tmp.resolve("e")).indexQuietPeriod(Duration.ofSeconds(-1))
                        .conclude());
        assertMessage("indexMaxDeferral null is invalid: use 0 or more",
                () -> new EngineConfig().dataDirs(tmp.resolve("f")).indexMaxDeferral(null).conclude());
    }

    @Test
    void shouldShareOneIndexBuildGateSizedByIndexBuilds() {
        EngineConfig config = new EngineConfig().dataDirs(tmp.resolve("d")).indexBuilds(3).conclude();
        assertEquals(3, config.buildGate().concurrent());
        assertSame(config.buildGate(), config.buildGate());
        assertMessage("indexBuilds 0 is invalid: use 1-1024",
                () -> new EngineConfig().dataDirs(tmp.resolve("e")).indexBuilds(0).conclude());
    }

    @Test
    void shouldRequireAtLeastOneDataDir() {
        assertMessage("dataDirs: at least one data directory is required (set vxdb.storage.dataDirs)",
                () -> new EngineConfig().conclude());
    }

    @Test
    void shouldCreateMissingDataDirsAsAbsolutePaths() {
        Path a = tmp.resolve("disk0/vxdb");
        Path b = tmp.resolve("disk1/./vxdb");
        EngineConfig config = new EngineConfig().dataDirs(a, b).conclude();
        assertEquals(List.of(a, tmp.resolve("disk1/vxdb")), config.dataDirs());
        assertTrue(Files.isDirectory(a));
        assertTrue(Files.isDirectory(tmp.resolve("disk1/vxdb")));
    }

    @Test
    void shouldRejectDataDirThatIsAFile() throws IOException {
        Path file = Files.createFile(tmp.resolve("file"));
        assertMessage("dataDirs: " + file + " is not a directory", () -> new EngineConfig().dataDirs(file).conclude());
    }

    @Test
    void shouldRejectDataDirBelowAFile() throws IOException {
        Path file = Files.createFile(tmp.resolve("file"));
        Path below = file.resolve("data");
        assertMessage("dataDirs: cannot create " + below + ": java.nio.file.NotDirectoryException: " + file, () -> new EngineConfig().dataDirs(below).conclude());
    }

    @Test
    void shouldRejectTheSameDataDirListedTwice() throws IOException {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), a);
        assertMessage("dataDirs: " + link + " and " + a + " are the same directory",
                () -> new EngineConfig().dataDirs(a, link).conclude());
    }

    @Test
    void shouldRejectNullDataDir() {
        assertMessage("dataDirs: entry 1 is null",
                () -> new EngineConfig().dataDirs(Arrays.asList(tmp, null)).conclude());
    }

    @Test
    void shouldRejectWalRecordLimitOutsideTheFormat() {
        assertMessage("walMaxRecordBytes 0 is invalid: use 1-67108864",
                () -> new EngineConfig().dataDirs(tmp).walMaxRecordBytes(0).conclude());
    }

    @Test
    void shouldRejectWalFileTooSmallForOneRecord() {
        assertMessage("walMaxFileBytes 4096 is invalid: use at least 65552, one record of walMaxRecordBytes",
                () -> new EngineConfig().dataDirs(tmp).walMaxRecordBytes(65_536).walMaxFileBytes(4096).conclude());
    }

    @Test
    void shouldValidateWalSettingsBeforeCreatingAnyDirectory() {
        Path dir = tmp.resolve("never");
        assertThrows(IllegalArgumentException.class,
                () -> new EngineConfig().dataDirs(dir).walMaxRecordBytes(0).conclude());
        assertTrue(Files.notExists(dir));
    }

    @Test
    void shouldRefuseChangesAndASecondConclude() {
        EngineConfig config = new EngineConfig().dataDirs(tmp).conclude();
        String message = "EngineConfig is already concluded: use a new one for each StorageEngine";
        assertEquals(message, assertThrows(IllegalStateException.class, config::conclude).getMessage());
        assertEquals(message,
                assertThrows(IllegalStateException.class, () -> config.walMaxFileBytes(1 << 30)).getMessage());
    }

    @Test
    void shouldGiveEachShardTheCollectionsFsyncAndTheNodesFileLimits() {
        EngineConfig config = new EngineConfig().dataDirs(tmp).walMaxFileBytes(1 << 22).walMaxRecordBytes(1 << 20);
        CollectionConfig c = CollectionConfig.of("docs", 8, Metric.L2).withFsync(FsyncPolicy.ALWAYS, Duration.ZERO);
        assertEquals(new WalConfig(FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 22, 1 << 20), config.walConfig(c));
    }

    private static void assertMessage(String expected, Executable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action).getMessage());
    }
}
