package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WalConfigTest {

    private static final WalConfig VALID = new WalConfig(FsyncPolicy.ALWAYS, Duration.ZERO, 4096, 64);

    @Test
    void shouldUseDocumentedDefaults() {
        WalConfig defaults = WalConfig.defaults();
        assertEquals(FsyncPolicy.BATCH, defaults.policy());
        assertEquals(Duration.ofMillis(2), defaults.batchWindow());
        assertEquals(128L * 1024 * 1024, defaults.maxFileBytes());
        assertEquals(16 * 1024 * 1024, defaults.maxRecordBytes());
    }

    @Test
    void shouldRejectMissingPolicy() {
        assertMessage("policy must not be null", () -> VALID.withPolicy(null));
    }

    @Test
    void shouldRejectMissingBatchWindow() {
        assertMessage("batchWindow must not be null", () -> VALID.withBatchWindow(null));
    }

    @Test
    void shouldRejectNegativeBatchWindow() {
        assertMessage("batchWindow must not be negative: PT-0.001S", () -> VALID.withBatchWindow(Duration.ofMillis(-1)));
    }

    @Test
    void shouldRejectZeroBatchWindowWithBatchPolicy() {
        assertMessage("batchWindow must be positive with policy BATCH: PT0S",
                () -> VALID.withPolicy(FsyncPolicy.BATCH));
    }

    @Test
    void shouldAcceptZeroBatchWindowWithPoliciesThatIgnoreIt() {
        assertEquals(Duration.ZERO, VALID.withPolicy(FsyncPolicy.NONE).batchWindow());
    }

    @Test
    void shouldRejectBatchWindowLongerThanOneMinute() {
        assertMessage("batchWindow must not exceed PT1M: PT1M0.001S",
                () -> VALID.withBatchWindow(Duration.ofMillis(60_001)));
    }

    @Test
    void shouldRejectMaxRecordBytesBelowOne() {
        assertMessage("maxRecordBytes must be between 1 and 67108864: 0", () -> VALID.withMaxRecordBytes(0));
    }

    @Test
    void shouldRejectMaxRecordBytesAboveTheFormatLimit() {
        assertMessage("maxRecordBytes must be between 1 and 67108864: 67108865",
                () -> new WalConfig(FsyncPolicy.ALWAYS, Duration.ZERO, Long.MAX_VALUE, 64 * 1024 * 1024 + 1));
    }

    @Test
    void shouldRejectMaxFileBytesThatCannotHoldTheLargestRecord() {
        assertMessage("maxFileBytes must be at least the frame length of a maxRecordBytes payload (80 bytes): 79",
                () -> VALID.withMaxFileBytes(79));
    }

    @Test
    void shouldAcceptMaxFileBytesOfExactlyTheLargestFrame() {
        assertEquals(80, VALID.withMaxFileBytes(80).maxFileBytes());
    }

    private static void assertMessage(String expected, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertEquals(expected, e.getMessage());
    }
}
