package org.vxdb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Golden values: if one changes, every existing deployment's data is in the wrong place. */
class IdHashingTest {

    // Computed independently with Python's xxhash (Debian python3-xxhash):
    // xxhash.xxh64(struct.pack('<q', id), seed=0).intdigest()
    @Test
    void shouldKeepTheHashOfFixedIds() {
        assertEquals(0x34c96acdcadb1bbbL, IdHashing.hashId(0));
        assertEquals(0x9f29cb17a2a49995L, IdHashing.hashId(1));
        assertEquals(0x85d136adb773c6c9L, IdHashing.hashId(-1));
        assertEquals(0xcb7c2941b198004dL, IdHashing.hashId(123_456_789L));
    }

    @Test
    void shouldPlaceFixedIdsInFixedBuckets() {
        assertEquals(11, IdHashing.bucketOf(0, 16));
        assertEquals(5, IdHashing.bucketOf(1, 16));
        assertEquals(9, IdHashing.bucketOf(-1, 16));
        assertEquals(3, IdHashing.bucketOf(42, 16));
        assertEquals(13, IdHashing.bucketOf(123_456_789L, 16));
        assertEquals(0, IdHashing.bucketOf(123_456_789L, 1));
    }

    @Test
    void shouldKeepTheContentIdOfAFixedVector() {
        // xxhash.xxh64(struct.pack('<2f', 0.0, 1.0)).intdigest()
        assertEquals(0x8c190a1bb6d1f12eL, IdHashing.contentId(new float[] {0f, 1f}));
    }

    @Test
    void shouldGiveEqualVectorsOneContentIdIncludingNegativeZero() {
        assertEquals(IdHashing.contentId(new float[] {0f, 1f}), IdHashing.contentId(new float[] {-0f, 1f}));
    }

    @Test
    void shouldRejectZeroBuckets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdHashing.bucketOf(1, 0));
        assertEquals("bucket count must be >= 1, got 0", e.getMessage());
    }
}
