package org.vxdb.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Where an id lives and what id a vector without one gets. Shared by the coordinator and the
 * storage node, and pinned by golden tests: changing any of this moves data silently.
 *
 * <ul>
 *   <li>{@code cluster = xxHash64(id as 8 little-endian bytes, seed 0) mod clusters} (unsigned)
 *   <li>content id = {@code xxHash64(vector as little-endian float32 bytes, seed 0)}
 * </ul>
 */
public final class IdHashing {

    /** The xxHash64 seed of every hash here; part of the on-disk placement, never change it. */
    public static final long SEED = 0L;

    private static final XXHash64 XX = XXHashFactory.safeInstance().hash64();

    private IdHashing() {
    }

    /** xxHash64 of the id's 8 little-endian bytes. */
    public static long hashId(long id) {
        byte[] bytes = new byte[Long.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(id);
        return XX.hash(bytes, 0, bytes.length, SEED);
    }

    /** The cluster (or shard, or repair bucket) of {@code id} among {@code count}: hash mod count, unsigned. */
    public static int bucketOf(long id, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("bucket count must be >= 1, got " + count);
        }
        return (int) Long.remainderUnsigned(hashId(id), count);
    }

    /** The id of a vector sent without one: xxHash64 of its little-endian float32 bytes. */
    public static long contentId(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            // -0.0 and 0.0 are one value to a search; give them one id as well.
            bytes.putFloat(v == 0f ? 0f : v);
        }
        return XX.hash(bytes.array(), 0, bytes.capacity(), SEED);
    }

    /** {@link #contentId(float[])} of packed float32 values as they arrive in a proto message. */
    public static long contentId(java.util.List<Float> vector) {
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = vector.get(i);
        }
        return contentId(v);
    }
}
