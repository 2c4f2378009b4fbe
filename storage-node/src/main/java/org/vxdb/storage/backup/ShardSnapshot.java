package org.vxdb.storage.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.vxdb.service.io.FileTrees;
import org.vxdb.storage.shard.BucketDigest;

/**
 * A frozen copy of one shard for an online backup: hard links to the immutable files the shard's
 * manifest listed at the snapshot point, plus the memory buffer's rows in a {@link BufferRowsFile}.
 * Its owner streams the files and then closes it, which deletes the snapshot directory (the links
 * only: the shard's own files are untouched).
 *
 * @param dir          the snapshot directory; every file is a plain name inside it
 * @param files        the files in the order to stream them: the manifest, segments with their
 *                     metadata index files, the vector index, the buffer rows file last
 * @param digest       the shard's digest at the snapshot point
 * @param records      ids with a record (tombstones included) at the snapshot point
 * @param liveVectors  live vectors at the snapshot point
 * @param maxVersion   the newest version in the snapshot
 * @param tailRows     rows of the memory buffer written to the buffer rows file
 * @param takenMillis  epoch milliseconds of the snapshot point
 */
public record ShardSnapshot(Path dir, List<String> files, List<BucketDigest> digest, long records,
                            long liveVectors, long maxVersion, long tailRows, long takenMillis)
        implements AutoCloseable {

    public ShardSnapshot {
        files = List.copyOf(files);
        digest = List.copyOf(digest);
    }

    /** Deletes the snapshot directory and its links. */
    @Override
    public void close() {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot " + dir + ": " + e.getMessage(), e);
        }
    }
}
