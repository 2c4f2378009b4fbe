package org.vxdb.coordinator.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link RestoreRunner#run} restores and where.
 *
 * @param coordinatorConfig the coordinator YAML of the cluster to restore into: its topology (any
 *                          node count, the backup's {@code total_clusters}) says which nodes get
 *                          which shard
 * @param source            a complete backup directory
 * @param collections       the collections to restore; empty: every collection in the backup
 * @param chunkBytes        bytes per streamed chunk, 1 B .. 4 MiB
 * @param streamTimeout     the longest one shard's upload to one node may take
 * @param progress          receives one line per shard and replica (the CLI prints them); never null
 */
public record RestoreOptions(Path coordinatorConfig, Path source, List<String> collections, int chunkBytes,
                             Duration streamTimeout, Consumer<String> progress) {

    public RestoreOptions {
        Objects.requireNonNull(coordinatorConfig, "coordinatorConfig");
        Objects.requireNonNull(source, "source");
        collections = List.copyOf(collections);
        if (chunkBytes < 1 || chunkBytes > BackupOptions.CHUNK_BYTES_MAX) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " is invalid: use 1-"
                    + BackupOptions.CHUNK_BYTES_MAX);
        }
        if (streamTimeout.isNegative() || streamTimeout.isZero()) {
            throw new IllegalArgumentException("streamTimeout " + streamTimeout + " is invalid: use more than 0");
        }
        Objects.requireNonNull(progress, "progress");
    }

    /** Every collection of the backup, default chunks and timeout, no progress lines. */
    public static RestoreOptions of(Path coordinatorConfig, Path source) {
        return new RestoreOptions(coordinatorConfig, source, List.of(), BackupOptions.CHUNK_BYTES_DEFAULT,
                BackupOptions.STREAM_TIMEOUT_DEFAULT, line -> { });
    }

    public RestoreOptions withCollections(List<String> names) {
        return new RestoreOptions(coordinatorConfig, source, names, chunkBytes, streamTimeout, progress);
    }

    public RestoreOptions withProgress(Consumer<String> lines) {
        return new RestoreOptions(coordinatorConfig, source, collections, chunkBytes, streamTimeout, lines);
    }
}
