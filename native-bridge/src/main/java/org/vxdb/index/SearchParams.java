package org.vxdb.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-search knobs. Zero means "the index's default". They are passed with each search, never
 * stored on the index, so concurrent searches with different settings do not interfere.
 *
 * @param nprobe     IVF lists to visit (IVF indexes only)
 * @param efSearch   HNSW candidate list size (HNSW indexes only)
 * @param allowedIds optional id filter applied during the search: a bitmap where bit {@code i}
 *                   (byte {@code i / 8}, bit {@code i % 8}) set means id {@code i} may be returned;
 *                   ids beyond the bitmap and negative ids are excluded. Null: every id is allowed.
 */
public record SearchParams(int nprobe, int efSearch, MemorySegment allowedIds) {

    public static final SearchParams DEFAULT = new SearchParams(0, 0, null);
    public static final int MAX_K = 100_000;
    public static final int MAX_NPROBE = IndexSpec.MAX_NLIST;
    public static final int MAX_EF_SEARCH = 100_000;

    public SearchParams {
        if (nprobe < 0 || nprobe > MAX_NPROBE) {
            throw new IllegalArgumentException("nprobe must be between 1 and " + MAX_NPROBE
                    + " (or 0 for the index default), got " + nprobe);
        }
        if (efSearch < 0 || efSearch > MAX_EF_SEARCH) {
            throw new IllegalArgumentException("efSearch must be between 1 and " + MAX_EF_SEARCH
                    + " (or 0 for the index default), got " + efSearch);
        }
    }

    public SearchParams(int nprobe, int efSearch) {
        this(nprobe, efSearch, null);
    }

    public static SearchParams nprobe(int nprobe) {
        return new SearchParams(nprobe, 0, null);
    }

    public static SearchParams efSearch(int efSearch) {
        return new SearchParams(0, efSearch, null);
    }

    /** The same knobs, restricted to the ids set in {@code bitmap}. */
    public SearchParams withAllowedIds(MemorySegment bitmap) {
        return new SearchParams(nprobe, efSearch, bitmap);
    }

    /** Whether {@code id} passes {@link #allowedIds()} (always true without a bitmap). */
    public boolean allows(long id) {
        return allows(allowedIds, id);
    }

    public static boolean allows(MemorySegment bitmap, long id) {
        if (bitmap == null) {
            return true;
        }
        if (id < 0 || (id >>> 3) >= bitmap.byteSize()) {
            return false;
        }
        return (bitmap.get(ValueLayout.JAVA_BYTE, id >>> 3) & (1 << (id & 7))) != 0;
    }
}
