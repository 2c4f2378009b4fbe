package org.vxdb.storage.shard;

import org.vxdb.storage.buffer.MemoryBuffer;
import org.vxdb.storage.metaindex.MetadataIndexSet;

/**
 * A memory buffer taken out of service by a seal: no more rows are appended to it, searches still
 * read it, and it is released once its segment is published. {@code replayAfterLsn} is the WAL
 * position its segment makes durable (every record up to it is in this or an earlier buffer).
 */
record FrozenBuffer(long base, MemoryBuffer rows, MetadataIndexSet meta, long replayAfterLsn) {

    long end() {
        return base + rows.size();
    }

    /** The same rows numbered from {@code newBase} (compaction renumbers everything after the segments it writes). */
    FrozenBuffer renumbered(long newBase) {
        return new FrozenBuffer(newBase, rows, meta, replayAfterLsn);
    }
}
