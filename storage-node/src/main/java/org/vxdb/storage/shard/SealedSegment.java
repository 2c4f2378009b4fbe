package org.vxdb.storage.shard;

import org.vxdb.storage.segment.Segment;

/** A sealed segment of a shard and the global row number of its first row. */
record SealedSegment(long base, Segment segment, String file) {

    long end() {
        return base + segment.count();
    }
}
