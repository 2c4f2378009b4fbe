package org.vxdb.coordinator.backup;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a backup wrote.
 *
 * @param directory the backup directory
 * @param manifest  its manifest (also in {@code backup.json})
 * @param took      from start to the completion marker
 */
public record BackupReport(Path directory, BackupManifest manifest, Duration took) {

    public long bytes() {
        return manifest.totals().bytes();
    }

    public long records() {
        return manifest.totals().records();
    }

    public double megabytesPerSecond() {
        return bytes() / 1e6 / Math.max(1e-9, took.toNanos() / 1e9);
    }

    public double recordsPerSecond() {
        return records() / Math.max(1e-9, took.toNanos() / 1e9);
    }

    /** One line: {@code backup /b complete: 2 collections, 24 shards, 96 files, 52.1 MB, 100000 records ...}. */
    @Override
    public String toString() {
        BackupManifest.Totals t = manifest.totals();
        int shards = manifest.collections().stream().mapToInt(c -> c.shards().size()).sum();
        return String.format("backup %s complete: %d collections, %d shards, %d files, %.1f MB, %d records"
                        + " (%d live vectors) in %.1f s (%.1f MB/s, %.0f records/s)", directory,
                manifest.collections().size(), shards, t.files(), t.bytes() / 1e6, t.records(), t.liveVectors(),
                took.toNanos() / 1e9, megabytesPerSecond(), recordsPerSecond());
    }
}
