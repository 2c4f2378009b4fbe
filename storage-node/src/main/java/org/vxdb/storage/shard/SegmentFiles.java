package org.vxdb.storage.shard;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.segment.Segment;
import org.vxdb.storage.segment.SegmentData;
import org.vxdb.storage.segment.SegmentWriter;

/**
 * The segment files of a shard: their names, writing a buffer's rows into one (a seal), and
 * rewriting sealed segments without their dead rows (a compaction). Holds no lock and no state:
 * the shard decides what to write and publishes the result.
 */
final class SegmentFiles {

    static final String SUFFIX = ".vxs";

    private final ShardConfig config;
    private final Path dir;
    private final long rowBytes;

    SegmentFiles(ShardConfig config) {
        this.config = config;
        this.dir = config.dir();
        this.rowBytes = (long) config.dimension() * Float.BYTES;
    }

    /** Segment file names carry the manifest generation, so a compaction never reuses a name. */
    static String name(long generation, long base) {
        return String.format("seg-%08d-%016d", generation, base) + SUFFIX;
    }

    /** A memory buffer whose native memory is reserved from the budget first. */
    MemoryBuffer newBuffer(int rows, String what) {
        NativeMemoryBudget.Reservation reservation =
                config.budget().reserve(MemoryBuffer.bytesFor(config.dimension(), rows), what);
        try {
            return new MemoryBuffer(config.dimension(), rows, reservation);
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
    }

    /** Writes the first {@code count} rows of {@code rows} as segment {@code name} (durably) and maps it. */
    Segment write(String name, MemoryBuffer rows, int count) throws IOException {
        Path file = dir.resolve(name);
        try (Arena arena = Arena.ofConfined()) {
            MemoryBuffer.Columns c = rows.columns(count, arena);
            SegmentWriter.write(file, new SegmentData(config.dimension(), config.metric(), count, c.vectors(),
                    c.ids(), c.versions(), c.flags(), c.metadata(), c.metadataOffsets()));
        }
        return Segment.open(file);
    }

    /**
     * Writes the rows of {@code segments} that are live ({@code dead} unset) or newest tombstones
     * ({@code newestTombstones}, sorted) into new segments of generation {@code generation},
     * numbered from row 0, at most {@code bufferRows} rows each, without any lock. A row that dies
     * while this runs is kept; the row that superseded it is newer, so the swap's row state marks
     * it dead again. On failure the segments written so far are closed and deleted.
     */
    List<SealedSegment> rewrite(List<SealedSegment> segments, RowBitmap dead, long[] newestTombstones,
                                long generation) throws IOException {
        List<SealedSegment> out = new ArrayList<>();
        MemoryBuffer staging = null;
        long base = 0;
        try {
            for (SealedSegment s : segments) {
                for (long r = 0; r < s.segment().count(); r++) {
                    long row = s.base() + r;
                    boolean tombstone = s.segment().isTombstone(r);
                    boolean keep = tombstone ? Arrays.binarySearch(newestTombstones, row) >= 0 : !dead.get(row);
                    if (!keep) {
                        continue; // superseded or deleted
                    }
                    if (staging == null) {
                        staging = newBuffer(config.bufferRows(), "compaction of shard " + dir);
                    }
                    staging.append(s.segment().id(r), s.segment().version(r),
                            tombstone ? MemoryBuffer.FLAG_TOMBSTONE : 0, s.segment().vectors(), r * rowBytes,
                            tombstone ? null : s.segment().metadata(r));
                    if (staging.isFull()) {
                        out.add(writeStaged(staging, generation, base));
                        base += staging.size();
                        staging.close();
                        staging = null;
                    }
                }
            }
            if (staging != null && staging.size() > 0) {
                out.add(writeStaged(staging, generation, base));
            }
        } catch (IOException | RuntimeException e) {
            for (SealedSegment s : out) {
                s.segment().close();
                Files.deleteIfExists(dir.resolve(s.file()));
            }
            throw e;
        } finally {
            if (staging != null) {
                staging.close();
            }
        }
        return out;
    }

    private SealedSegment writeStaged(MemoryBuffer rows, long generation, long base) throws IOException {
        String name = name(generation, base);
        return new SealedSegment(base, write(name, rows, rows.size()), name);
    }
}
