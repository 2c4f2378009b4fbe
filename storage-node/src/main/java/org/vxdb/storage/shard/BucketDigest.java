package org.vxdb.storage.shard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The anti-entropy summary of one bucket of a shard's ids ({@link Shard#digest(int)}): how many ids
 * have a record in it (live or tombstone) and the wrapping sum of their {@link #recordHash record
 * hashes}. A sum does not depend on the order rows were written, sealed or compacted in, so two
 * replicas that hold the same newest (id, version, deleted) set have equal digests, and a bucket
 * whose digests differ is the one to repair.
 *
 * @param bucket  {@code IdHashing.bucketOf(id, buckets)} of its ids
 * @param records ids with a record in the bucket
 * @param hash    wrapping sum of {@link #recordHash} over those ids' newest records; 0 when empty
 */
public record BucketDigest(int bucket, long records, long hash) {

    /** Most buckets a digest may have: enough to find a few bad ids, small enough for one message. */
    public static final int MAX_BUCKETS = 65_536;

    private static final XXHash64 XX = XXHashFactory.safeInstance().hash64();
    private static final int RECORD_BYTES = 2 * Long.BYTES + 1;

    /**
     * xxHash64 (seed 0) of the id and the version as 8 little-endian bytes each, then one byte, 1 for
     * a tombstone and 0 otherwise. Replicas compare these sums, so this is a wire format: never change it.
     */
    public static long recordHash(long id, long version, boolean deleted) {
        ByteBuffer bytes = ByteBuffer.allocate(RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(id).putLong(version).put((byte) (deleted ? 1 : 0));
        return XX.hash(bytes.array(), 0, RECORD_BYTES, 0L);
    }

    static void checkBuckets(int buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("buckets must be 1-" + MAX_BUCKETS + ", got " + buckets);
        }
    }
}
