package org.vxdb.coordinator.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a restore did. A report is only returned when every shard on every replica was verified
 * (digest equal to the backup's); otherwise {@link RestoreRunner#run} throws.
 *
 * @param source      the backup directory
 * @param shards      one line per shard and replica
 * @param records     ids with a record in the restored shards, as the backup counted them
 * @param rowsApplied rows written to the nodes, every replica counted
 * @param bytesRead   bytes of backup files sent (each file counted once)
 * @param took        from start to the last verification
 */
public record RestoreReport(Path source, List<ShardResult> shards, long records, long rowsApplied, long bytesRead,
                            Duration took) {

    /**
     * One shard on one replica of the new topology, verified.
     *
     * @param records ids with a record in the restored shard (the digest's count, equal to the backup's)
     */
    public record ShardResult(String collection, int shard, String node, long rowsApplied, long records) {
        @Override
        public String toString() {
            return collection + " shard " + shard + " on " + node + ": " + rowsApplied + " rows written, digest"
                    + " equals the backup's (" + records + " records)";
        }
    }

    public double megabytesPerSecond() {
        return bytesRead / 1e6 / Math.max(1e-9, took.toNanos() / 1e9);
    }

    public double recordsPerSecond() {
        return records / Math.max(1e-9, took.toNanos() / 1e9);
    }

    @Override
    public String toString() {
        return String.format("restore from %s complete and verified: %d shard replicas, %d records, %d rows written,"
                        + " %.1f MB read in %.1f s (%.1f MB/s, %.0f records/s)", source, shards.size(), records,
                rowsApplied, bytesRead / 1e6, took.toNanos() / 1e9, megabytesPerSecond(), recordsPerSecond());
    }
}
