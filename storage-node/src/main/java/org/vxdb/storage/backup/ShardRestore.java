package org.vxdb.storage.backup;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.storage.segment.Segment;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;

/**
 * Writes the rows of a backed-up shard (its segment files and buffer rows file, staged on this
 * node) into a shard, each with its own version, through {@link Shard#write}: the same path a
 * replica write takes (WAL, then buffer), so the restored shard is durable when this returns and a
 * row the shard already holds in a newer version stays. Superseded rows of the backup are written
 * too and lose to the newer ones, so the result has the backup's digest whatever the order.
 */
public final class ShardRestore {

    /** Rows per write batch, and the encoded bytes after which a batch is written early. */
    private static final int BATCH_ROWS = 8192;
    private static final long BATCH_BYTES = 4L << 20;

    private final Shard shard;
    private final List<ShardWrite> batch = new ArrayList<>();
    private long batchBytes;
    private long rowsApplied;
    private long maxVersion;

    public ShardRestore(Shard shard) {
        this.shard = shard;
    }

    /** What a restore wrote. */
    public record Outcome(long rowsApplied, long maxVersion) {
    }

    /**
     * Writes every row of the segments (name ending {@code .vxs}) and buffer rows files among
     * {@code files} in {@code staging}; other files (manifest, index files) are not needed, since
     * the shard builds its own. Each segment is verified when it is opened.
     */
    public Outcome apply(Path staging, List<String> files) throws IOException {
        for (String name : files) {
            Path file = staging.resolve(name);
            if (name.endsWith(".vxs")) {
                applySegment(file);
            } else if (name.equals(BufferRowsFile.NAME)) {
                BufferRowsFile.read(file, shard.dimension(), this::add);
            }
        }
        writeBatch();
        return new Outcome(rowsApplied, maxVersion);
    }

    private void applySegment(Path file) throws IOException {
        try (Segment segment = Segment.open(file)) {
            if (segment.dimension() != shard.dimension()) {
                throw new IOException("segment " + file + " holds " + segment.dimension()
                        + "-d rows, the collection is " + shard.dimension() + "-d");
            }
            long rowBytes = (long) segment.dimension() * Float.BYTES;
            for (long r = 0; r < segment.count(); r++) {
                if (segment.isTombstone(r)) {
                    add(ShardWrite.delete(segment.id(r), segment.version(r)));
                } else {
                    MemorySegment v = segment.vectors().asSlice(r * rowBytes, rowBytes);
                    add(ShardWrite.upsert(segment.id(r), segment.version(r), v.toArray(ValueLayout.JAVA_FLOAT),
                            segment.metadata(r).toArray(ValueLayout.JAVA_BYTE)));
                }
            }
        }
    }

    private void add(ShardWrite w) throws IOException {
        batch.add(w);
        batchBytes += 17 + (w.isDelete() ? 0 : (long) shard.dimension() * Float.BYTES + 4 + w.metadata().length);
        maxVersion = Math.max(maxVersion, w.version());
        if (batch.size() >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
            writeBatch();
        }
    }

    private void writeBatch() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        shard.write(List.copyOf(batch));
        rowsApplied += batch.size();
        batch.clear();
        batchBytes = 0;
    }
}
