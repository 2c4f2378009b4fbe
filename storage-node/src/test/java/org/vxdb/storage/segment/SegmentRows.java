package org.vxdb.storage.segment;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.vxdb.index.Metric;

/**
 * Rows for segment tests, kept on the heap as plain arrays so a test can compare what it reads
 * against what it wrote. Every seventh row is a tombstone (zero vector); metadata lengths vary from
 * empty to 40 bytes and repeat themselves so LZ4 has something to do.
 */
record SegmentRows(int dimension, Metric metric, float[] vectors, long[] ids, long[] versions, byte[] flags,
                   byte[][] metadata) {

    static SegmentRows random(int count, int dimension, Metric metric, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] vectors = new float[count * dimension];
        long[] ids = new long[count];
        long[] versions = new long[count];
        byte[] flags = new byte[count];
        byte[][] metadata = new byte[count][];
        for (int r = 0; r < count; r++) {
            ids[r] = random.nextLong();
            versions[r] = 1_000 + random.nextInt(1_000_000);
            boolean tombstone = r % 7 == 3;
            flags[r] = tombstone ? SegmentDescriptor.FLAG_TOMBSTONE : 0;
            for (int j = 0; !tombstone && j < dimension; j++) {
                vectors[r * dimension + j] = oddFloat(random);
            }
            metadata[r] = new byte[r % 5 == 0 ? 0 : r % 41];
            for (int i = 0; i < metadata[r].length; i++) {
                metadata[r][i] = (byte) (i % 3 == 0 ? random.nextInt() : 'a' + i % 4);
            }
        }
        return new SegmentRows(dimension, metric, vectors, ids, versions, flags, metadata);
    }

    /** Mostly ordinary values, sometimes the ones a lossy copy would change: -0, NaN payloads, subnormals. */
    private static float oddFloat(SplittableRandom random) {
        return switch (random.nextInt(20)) {
            case 0 -> -0.0f;
            case 1 -> Float.intBitsToFloat(0x7fc0_1234);
            case 2 -> Float.MIN_VALUE;
            case 3 -> Float.MAX_VALUE;
            default -> (float) random.nextGaussian();
        };
    }

    int count() {
        return ids.length;
    }

    SegmentData data() {
        long[] offsets = new long[count() + 1];
        for (int r = 0; r < count(); r++) {
            offsets[r + 1] = offsets[r] + metadata[r].length;
        }
        byte[] concatenated = new byte[(int) offsets[count()]];
        for (int r = 0; r < count(); r++) {
            System.arraycopy(metadata[r], 0, concatenated, (int) offsets[r], metadata[r].length);
        }
        return new SegmentData(dimension, metric, count(), MemorySegment.ofArray(vectors), MemorySegment.ofArray(ids),
                MemorySegment.ofArray(versions), MemorySegment.ofArray(flags), MemorySegment.ofArray(concatenated),
                MemorySegment.ofArray(offsets));
    }

    /** Raw bits of every float, so NaN payloads and -0 compare exactly. */
    int[] vectorBits() {
        int[] bits = new int[vectors.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Float.floatToRawIntBits(vectors[i]);
        }
        return bits;
    }
}
