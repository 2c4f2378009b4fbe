package org.vxdb.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vxdb.index.Metric;
import org.vxdb.storage.wal.FsyncPolicy;

class CollectionConfigTest {

    private static final CollectionConfig VALID = CollectionConfig.of("docs", 8, Metric.L2);

    @Test
    void shouldUseDocumentedDefaults() {
        assertEquals(new CollectionConfig("docs", 8, Metric.L2, "Flat", 1, 100_000, 256L << 20,
                Duration.ofMinutes(10), FsyncPolicy.BATCH, Duration.ofMillis(2)), VALID);
    }

    @Test
    void shouldLowerDefaultBufferRowsSoTheBufferFitsTheByteTrigger() {
        assertEquals(43_570, CollectionConfig.of("docs", 1536, Metric.COSINE).bufferRows());
        assertEquals(100_000, CollectionConfig.defaultBufferRows(128));
    }

    @Test
    void shouldStoreTheCanonicalIndexDescription() {
        assertEquals("HNSW32,Flat", VALID.withIndex("HNSW32").index());
        assertEquals("IVF256,Flat", VALID.withIndex(" IVF256,Flat ").index());
    }

    @Test
    void shouldAcceptNamesAtTheLimits() {
        assertEquals("a", CollectionConfig.of("a", 8, Metric.L2).name());
        String longest = "a" + "b_-9".repeat(15) + "xyz";
        assertEquals(64, longest.length());
        assertEquals(longest, CollectionConfig.of(longest, 8, Metric.L2).name());
    }

    @Test
    void shouldRejectNameWithSpace() {
        assertMessage("collection name 'a b' is invalid: use 1-64 letters, digits, '_' or '-', starting with a letter",
                () -> CollectionConfig.of("a b", 8, Metric.L2));
    }

    @Test
    void shouldRejectNameStartingWithDigitOrTooLongOrEmpty() {
        String tail = "' is invalid: use 1-64 letters, digits, '_' or '-', starting with a letter";
        assertMessage("collection name '1docs" + tail, () -> CollectionConfig.of("1docs", 8, Metric.L2));
        assertMessage("collection name '" + tail, () -> CollectionConfig.of("", 8, Metric.L2));
        String tooLong = "a".repeat(65);
        assertMessage("collection name '" + tooLong + tail, () -> CollectionConfig.of(tooLong, 8, Metric.L2));
        assertMessage("collection name '../etc" + tail, () -> CollectionConfig.of("../etc", 8, Metric.L2));
    }

    @Test
    void shouldRejectMissingName() {
        assertMessage("collection name is required", () -> CollectionConfig.of(null, 8, Metric.L2));
    }

    @Test
    void shouldRejectDimensionOutOfRange() {
        assertMessage("collection 'docs': dimension 0 is invalid: use 1-65536",
                () -> CollectionConfig.of("docs", 0, Metric.L2));
        assertMessage("collection 'docs': dimension 65537 is invalid: use 1-65536",
                () -> CollectionConfig.of("docs", 65_537, Metric.L2));
    }

    @Test
    void shouldRejectMissingMetric() {
        assertMessage("collection 'docs': metric is required", () -> CollectionConfig.of("docs", 8, null));
    }

    @Test
    void shouldRejectIndexTheIndexSpecRejects() {
        assertMessage("collection 'docs': index 'IVF0,Flat' is invalid: nlist must be between 1 and 1048576, got 0",
                () -> VALID.withIndex("IVF0,Flat"));
        assertMessage("collection 'docs': index 'IVF16,PQ3' is invalid: PQ3 needs m >= 1 dividing the dimension 8"
                + " evenly", () -> VALID.withIndex("IVF16,PQ3"));
        assertMessage("collection 'docs': index 'BTree' is invalid: unsupported index description 'BTree': expected"
                + " Flat, IVF{nlist},Flat, IVF{nlist},SQ8, IVF{nlist},PQ{m} or HNSW{M},Flat",
                () -> VALID.withIndex("BTree"));
        assertMessage("collection 'docs': index is required", () -> VALID.withIndex(null));
    }

    @Test
    void shouldRejectShardCountOutOfRange() {
        assertMessage("collection 'docs': shardCount 0 is invalid: use 1-4096", () -> VALID.withShardCount(0));
        assertMessage("collection 'docs': shardCount 4097 is invalid: use 1-4096", () -> VALID.withShardCount(4097));
        assertEquals(4096, VALID.withShardCount(4096).shardCount());
    }

    @Test
    void shouldRejectFlushTriggersThatNeverFireOrFireAlways() {
        assertMessage("collection 'docs': bufferRows 0 is invalid: use at least 1", () -> VALID.withBufferRows(0));
        assertMessage("collection 'docs': bufferBytes 0 is invalid: use at least 1", () -> VALID.withBufferBytes(0));
        assertMessage("collection 'docs': bufferAge PT0S is invalid: use a positive duration",
                () -> VALID.withBufferAge(Duration.ZERO));
        assertMessage("collection 'docs': bufferAge is required", () -> VALID.withBufferAge(null));
    }

    @Test
    void shouldRejectFsyncSettingsTheWalRejects() {
        assertMessage("collection 'docs': fsyncPolicy is required", () -> VALID.withFsync(null, Duration.ZERO));
        assertMessage("collection 'docs': batchWindow is required", () -> VALID.withFsync(FsyncPolicy.ALWAYS, null));
        assertMessage("collection 'docs': batchWindow PT0S is invalid: fsyncPolicy BATCH needs a positive window",
                () -> VALID.withFsync(FsyncPolicy.BATCH, Duration.ZERO));
        assertMessage("collection 'docs': batchWindow PT1M0.001S is invalid: use 0 to PT1M",
                () -> VALID.withFsync(FsyncPolicy.BATCH, Duration.ofMillis(60_001)));
        assertMessage("collection 'docs': batchWindow PT-0.001S is invalid: use 0 to PT1M",
                () -> VALID.withFsync(FsyncPolicy.NONE, Duration.ofMillis(-1)));
    }

    @Test
    void shouldAcceptZeroBatchWindowWithPoliciesThatIgnoreIt() {
        assertEquals(Duration.ZERO, VALID.withFsync(FsyncPolicy.ALWAYS, Duration.ZERO).batchWindow());
    }

    static void assertMessage(String expected, Executable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action).getMessage());
    }
}
