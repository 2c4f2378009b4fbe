package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.wal.FsyncPolicy;

class CollectionConfigFileTest {

    private static final CollectionConfig CONFIG = CollectionConfig.of("docs", 96, Metric.COSINE)
            .withIndex("IVF256,SQ8").withShardCount(12).withBufferRows(5000).withBufferBytes(1L << 30)
            .withBufferAge(Duration.ofSeconds(90)).withFsync(FsyncPolicy.ALWAYS, Duration.ZERO);

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWrote() throws IOException {
        CollectionConfigFile.write(dir, CONFIG);
        assertEquals(CONFIG, CollectionConfigFile.read(dir));
        assertEquals(List.of("collection.properties"), EngineFixtures.tree(dir));
    }

    @Test
    void shouldWriteOneReadableLinePerFieldEndingInAChecksum() throws IOException {
        CollectionConfigFile.write(dir, CONFIG);
        List<String> lines = Files.readAllLines(dir.resolve("collection.properties"));
        assertEquals(List.of("# VxDB collection config", "format=1", "name=docs", "dimension=96", "metric=cosine",
                "index=IVF256,SQ8", "shardCount=12", "bufferRows=5000", "bufferBytes=1073741824", "bufferAge=PT1M30S",
                "fsyncPolicy=ALWAYS", "batchWindow=PT0S"), lines.subList(0, lines.size() - 1));
        assertEquals("crc32c=", lines.getLast().substring(0, 7));
    }

    @Test
    void shouldReadBackMetadataIndexesWhateverTheirFieldNames() throws IOException {
        CollectionConfig config = CONFIG.withMetadataIndexes(List.of(MetadataIndexSpec.inverted("a,b:c d"),
                MetadataIndexSpec.ordered("price"), MetadataIndexSpec.inverted("price")));
        CollectionConfigFile.write(dir, config);
        assertEquals(config, CollectionConfigFile.read(dir));
        assertEquals(true, Files.readAllLines(dir.resolve("collection.properties"))
                .contains("metadataIndexes=inverted:a%2Cb%3Ac+d,ordered:price,inverted:price"));
    }

    @Test
    void shouldRejectAFileWhoseChecksumDoesNotMatch() throws IOException {
        CollectionConfigFile.write(dir, CONFIG);
        Path file = dir.resolve("collection.properties");
        Files.writeString(file, Files.readString(file).replace("dimension=96", "dimension=69"));
        assertEquals("corrupt " + file + ": checksum mismatch",
                assertThrows(IOException.class, () -> CollectionConfigFile.read(dir)).getMessage());
    }

    @Test
    void shouldRejectAValidlyChecksummedFileWithAnInvalidConfig() throws IOException {
        PropertiesFile.write(dir.resolve("collection.properties"), "hand-written", Map.of("format", "1"));
        assertEquals("corrupt " + dir.resolve("collection.properties") + ": 'name' is missing",
                assertThrows(IOException.class, () -> CollectionConfigFile.read(dir)).getMessage());
    }

    @Test
    void shouldRejectAFileWithoutChecksum() throws IOException {
        Path file = dir.resolve("collection.properties");
        Files.writeString(file, "format=1\nname=docs\n", StandardCharsets.UTF_8);
        assertEquals("corrupt " + file + ": no crc32c line",
                assertThrows(IOException.class, () -> CollectionConfigFile.read(dir)).getMessage());
    }
}
