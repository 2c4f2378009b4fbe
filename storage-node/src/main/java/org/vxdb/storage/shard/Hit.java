package org.vxdb.storage.shard;

import org.vxdb.storage.meta.Metadata;

/** One search result: id, distance (smaller is closer, as in VectorIndex), version and metadata. */
public record Hit(long id, float distance, long version, Metadata metadata) {
}
