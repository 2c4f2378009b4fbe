package org.vxdb.coordinator.backup;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code backup.json}: what a backup holds, written after every file and before the completion
 * marker. Field names are snake_case in the file; checksums and digest hashes are 8 and 16 hex
 * digits. Paths are relative to the backup directory, with {@code /} separators.
 *
 * @param format        1
 * @param backupId      a random UUID
 * @param startedAt     ISO-8601 instant the backup started
 * @param completedAt   ISO-8601 instant the last shard was written
 * @param digestBuckets buckets of every shard digest
 * @param topology      the cluster the backup was taken from
 * @param collections   every collection backed up
 * @param totals        sums over every shard
 */
public record BackupManifest(int format, String backupId, String startedAt, String completedAt, int digestBuckets,
                             TopologyInfo topology, List<CollectionEntry> collections, Totals totals) {

    public static final int FORMAT = 1;

    /** Reads and writes the file. */
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public record TopologyInfo(int totalClusters, int replicationFactor, List<NodeEntry> nodes,
                               List<RangeEntry> ranges) {
    }

    public record NodeEntry(String id, String address) {
    }

    /** @param clusters {@code 0-3}, or one number */
    public record RangeEntry(String clusters, List<String> replicas) {
    }

    /** @param spec the collection's spec file ({@code collections/<name>/spec.json}) */
    public record CollectionEntry(String name, FileEntry spec, List<ShardEntry> shards) {
    }

    /**
     * One shard (= cluster) of a collection, as one replica held it at its snapshot point.
     *
     * @param node           the replica the snapshot was taken from
     * @param snapshotMillis epoch milliseconds of the snapshot point
     * @param records        ids with a record, tombstones included
     * @param tailRows       memory-buffer rows in {@code buffer-rows.vxt}
     * @param digest         the shard's digest at the snapshot point
     */
    public record ShardEntry(int shard, String node, String snapshotId, long snapshotMillis, long maxVersion,
                             long records, long liveVectors, long tailRows, List<DigestEntry> digest,
                             List<FileEntry> files) {
    }

    /** @param hash 16 hex digits */
    public record DigestEntry(int bucket, long records, String hash) {
    }

    /** @param crc32c 8 hex digits */
    public record FileEntry(String path, long size, String crc32c) {
    }

    /** @param firstSnapshotMillis the earliest shard snapshot point; {@code lastSnapshotMillis} the latest */
    public record Totals(long files, long bytes, long records, long liveVectors, long tailRows,
                         long firstSnapshotMillis, long lastSnapshotMillis) {
    }

    /** The shard entry of {@code shard} in {@code collection}. */
    public ShardEntry shard(String collection, int shard) {
        return collections.stream().filter(c -> c.name().equals(collection)).findFirst().orElseThrow()
                .shards().stream().filter(s -> s.shard() == shard).findFirst().orElseThrow();
    }
}
