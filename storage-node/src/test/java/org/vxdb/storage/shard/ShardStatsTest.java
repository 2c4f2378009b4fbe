package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.wal.FsyncPolicy;

/** maxVersion, bufferBytes and mappedBytes across writes, seals, compaction and restarts. */
class ShardStatsTest {

    private static final int DIM = 8;

    @TempDir
    Path dir;

    private Shard open() throws IOException {
        return Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, 1000, FsyncPolicy.NONE));
    }

    @Test
    void shouldTrackMaxVersionThroughWritesDeletesAndRestarts() throws IOException {
        try (Shard shard = open()) {
            assertEquals(0, shard.maxVersion());
            shard.write(ShardFixtures.upserts(1, 5, 3, DIM));
            assertEquals(3, shard.maxVersion());
            shard.write(ShardFixtures.upserts(1, 1, 2, DIM)); // stale: ignored
            assertEquals(3, shard.maxVersion());
            shard.flush();
            shard.write(List.of(ShardWrite.delete(2, 9)));
            assertEquals(9, shard.maxVersion());
        }
        try (Shard shard = open()) {
            assertEquals(9, shard.maxVersion(), "the tombstone replayed from the WAL");
            shard.flush();
            shard.compact();
            assertEquals(9, shard.maxVersion(), "compaction keeps the newest tombstone");
        }
        try (Shard shard = open()) {
            assertEquals(9, shard.maxVersion(), "the tombstone in a compacted segment");
        }
    }

    @Test
    void shouldCountBufferedBytesOfRowsAndMetadata() throws IOException {
        try (Shard shard = open()) {
            assertEquals(0, shard.bufferBytes());
            List<ShardWrite> rows = ShardFixtures.upserts(1, 10, 1, DIM);
            long metadata = rows.stream().mapToLong(w -> w.metadata().length).sum();
            shard.write(rows);
            shard.write(List.of(ShardWrite.delete(1, 2)));
            assertEquals(11L * (DIM * Float.BYTES + 17) + metadata, shard.bufferBytes());
            shard.flush();
            assertEquals(0, shard.bufferBytes());
        }
    }

    @Test
    void shouldReportTheSizeOfTheMappedSegmentFiles() throws IOException {
        try (Shard shard = open()) {
            assertEquals(0, shard.mappedBytes());
            shard.write(ShardFixtures.upserts(1, 10, 1, DIM));
            shard.flush();
            shard.write(List.of(ShardWrite.upsert(50, 1, ShardFixtures.vector(50, DIM),
                    MetadataCodec.encode(ShardFixtures.metadata(50)))));
            shard.flush();
            assertEquals(2, shard.segmentCount());
            assertEquals(segmentFileBytes(), shard.mappedBytes());
        }
        try (Shard shard = open()) {
            assertEquals(segmentFileBytes(), shard.mappedBytes());
        }
    }

    private long segmentFileBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path p : files.filter(p -> p.toString().endsWith(".vxs")).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
