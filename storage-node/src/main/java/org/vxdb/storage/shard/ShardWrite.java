package org.vxdb.storage.shard;

/**
 * One versioned write to a shard: an upsert carries a vector (and encoded metadata); a delete
 * carries neither. A write only takes effect if its version is newer than the id's current one.
 */
public record ShardWrite(byte op, long id, long version, float[] vector, byte[] metadata) {

    public static ShardWrite upsert(long id, long version, float[] vector, byte[] metadata) {
        return new ShardWrite(ShardRecordCodec.OP_UPSERT, id, version, vector, metadata == null ? new byte[0] : metadata);
    }

    public static ShardWrite delete(long id, long version) {
        return new ShardWrite(ShardRecordCodec.OP_DELETE, id, version, null, new byte[0]);
    }

    public boolean isDelete() {
        return op == ShardRecordCodec.OP_DELETE;
    }
}
