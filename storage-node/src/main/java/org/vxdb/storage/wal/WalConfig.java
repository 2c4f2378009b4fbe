package org.vxdb.storage.wal;

import java.time.Duration;

/**
 * Configuration of one write-ahead log, validated once when it is created.
 *
 * @param policy         when appends are acknowledged relative to fsync
 * @param batchWindow    with {@link FsyncPolicy#BATCH}, the least time between two fsyncs
 * @param maxFileBytes   a record that would take the active file past this size goes to a new file
 * @param maxRecordBytes largest payload accepted by {@code append}
 */
public record WalConfig(FsyncPolicy policy, Duration batchWindow, long maxFileBytes, int maxRecordBytes) {

    public static final FsyncPolicy POLICY_DEFAULT = FsyncPolicy.BATCH;
    public static final Duration BATCH_WINDOW_DEFAULT = Duration.ofMillis(2);
    public static final long MAX_FILE_BYTES_DEFAULT = 128L * 1024 * 1024;
    public static final int MAX_RECORD_BYTES_DEFAULT = 16 * 1024 * 1024;

    /** Longer windows make every BATCH append wait that long; this bound catches unit mistakes. */
    public static final Duration MAX_BATCH_WINDOW = Duration.ofMinutes(1);

    public WalConfig {
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        if (batchWindow == null) {
            throw new IllegalArgumentException("batchWindow must not be null");
        }
        if (batchWindow.isNegative()) {
            throw new IllegalArgumentException("batchWindow must not be negative: " + batchWindow);
        }
        if (policy == FsyncPolicy.BATCH && batchWindow.isZero()) {
            throw new IllegalArgumentException("batchWindow must be positive with policy BATCH: " + batchWindow);
        }
        if (batchWindow.compareTo(MAX_BATCH_WINDOW) > 0) {
            throw new IllegalArgumentException(
                    "batchWindow must not exceed " + MAX_BATCH_WINDOW + ": " + batchWindow);
        }
        if (!WalRecordDescriptor.isValidPayloadLength(maxRecordBytes)) {
            throw new IllegalArgumentException("maxRecordBytes must be between 1 and "
                    + WalRecordDescriptor.MAX_PAYLOAD_LENGTH + ": " + maxRecordBytes);
        }
        int largestFrame = WalRecordDescriptor.frameLength(maxRecordBytes);
        if (maxFileBytes < largestFrame) {
            throw new IllegalArgumentException("maxFileBytes must be at least the frame length of a "
                    + "maxRecordBytes payload (" + largestFrame + " bytes): " + maxFileBytes);
        }
    }

    public static WalConfig defaults() {
        return new WalConfig(POLICY_DEFAULT, BATCH_WINDOW_DEFAULT, MAX_FILE_BYTES_DEFAULT, MAX_RECORD_BYTES_DEFAULT);
    }

    public WalConfig withPolicy(FsyncPolicy newPolicy) {
        return new WalConfig(newPolicy, batchWindow, maxFileBytes, maxRecordBytes);
    }

    public WalConfig withBatchWindow(Duration newBatchWindow) {
        return new WalConfig(policy, newBatchWindow, maxFileBytes, maxRecordBytes);
    }

    public WalConfig withMaxFileBytes(long newMaxFileBytes) {
        return new WalConfig(policy, batchWindow, newMaxFileBytes, maxRecordBytes);
    }

    public WalConfig withMaxRecordBytes(int newMaxRecordBytes) {
        return new WalConfig(policy, batchWindow, maxFileBytes, newMaxRecordBytes);
    }
}
