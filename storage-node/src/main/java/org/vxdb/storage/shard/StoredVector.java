package org.vxdb.storage.shard;

import org.vxdb.storage.meta.Metadata;

/** The current version of one id: its vector (normalised for cosine) and metadata. */
public record StoredVector(long id, long version, float[] vector, Metadata metadata) {
}
