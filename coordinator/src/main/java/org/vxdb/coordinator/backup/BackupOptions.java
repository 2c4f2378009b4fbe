package org.vxdb.coordinator.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link BackupRunner#run} backs up and how.
 *
 * @param coordinatorConfig the coordinator's YAML file: its topology names the nodes (and its TLS
 *                          settings how to dial them)
 * @param target            the backup directory to create; it must not exist or be empty
 * @param collections       the collections to back up; empty: every collection
 * @param digestBuckets     buckets of the shard digests recorded (and compared at restore); 0: the
 *                          coordinator's {@code repair.buckets}
 * @param chunkBytes        bytes per streamed chunk, 1 B .. 4 MiB
 * @param syncReplicas      run anti-entropy on each cluster just before its snapshot, so that the
 *                          replica read holds every write any replica acknowledged before then
 * @param streamTimeout     the longest one shard's stream may take
 * @param progress          receives one line per shard (the CLI prints them); never null
 */
public record BackupOptions(Path coordinatorConfig, Path target, List<String> collections, int digestBuckets,
                            int chunkBytes, boolean syncReplicas, Duration streamTimeout,
                            Consumer<String> progress) {

    public static final int CHUNK_BYTES_DEFAULT = 1 << 20;
    public static final int CHUNK_BYTES_MAX = 4 << 20;
    public static final Duration STREAM_TIMEOUT_DEFAULT = Duration.ofHours(6);

    public BackupOptions {
        Objects.requireNonNull(coordinatorConfig, "coordinatorConfig");
        Objects.requireNonNull(target, "target");
        collections = List.copyOf(collections);
        if (digestBuckets < 0 || digestBuckets > 65_536) {
            throw new IllegalArgumentException("digestBuckets " + digestBuckets + " is invalid: use 1-65536 (0: the"
                    + " coordinator's repair.buckets)");
        }
        if (chunkBytes < 1 || chunkBytes > CHUNK_BYTES_MAX) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " is invalid: use 1-" + CHUNK_BYTES_MAX);
        }
        if (streamTimeout.isNegative() || streamTimeout.isZero()) {
            throw new IllegalArgumentException("streamTimeout " + streamTimeout + " is invalid: use more than 0");
        }
        Objects.requireNonNull(progress, "progress");
    }

    /** Every collection, default digest buckets and chunks, replicas synced first, no progress lines. */
    public static BackupOptions of(Path coordinatorConfig, Path target) {
        return new BackupOptions(coordinatorConfig, target, List.of(), 0, CHUNK_BYTES_DEFAULT, true,
                STREAM_TIMEOUT_DEFAULT, line -> { });
    }

    public BackupOptions withCollections(List<String> names) {
        return new BackupOptions(coordinatorConfig, target, names, digestBuckets, chunkBytes, syncReplicas,
                streamTimeout, progress);
    }

    public BackupOptions withSyncReplicas(boolean sync) {
        return new BackupOptions(coordinatorConfig, target, collections, digestBuckets, chunkBytes, sync,
                streamTimeout, progress);
    }

    public BackupOptions withProgress(Consumer<String> lines) {
        return new BackupOptions(coordinatorConfig, target, collections, digestBuckets, chunkBytes, syncReplicas,
                streamTimeout, lines);
    }
}
