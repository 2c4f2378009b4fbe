package org.vxdb.index;

/**
 * Per-search knobs. Zero means "the index's default". They are passed with each search, never
 * stored on the index, so concurrent searches with different settings do not interfere.
 *
 * @param nprobe   IVF lists to visit (IVF indexes only)
 * @param efSearch HNSW candidate list size (HNSW indexes only)
 */
public record SearchParams(int nprobe, int efSearch) {

    public static final SearchParams DEFAULT = new SearchParams(0, 0);
    public static final int MAX_K = 100_000;

    public SearchParams {
        if (nprobe < 0) {
            throw new IllegalArgumentException("nprobe must be >= 1 (or 0 for the index default), got " + nprobe);
        }
        if (efSearch < 0) {
            throw new IllegalArgumentException("efSearch must be >= 1 (or 0 for the index default), got " + efSearch);
        }
    }

    public static SearchParams nprobe(int nprobe) {
        return new SearchParams(nprobe, 0);
    }

    public static SearchParams efSearch(int efSearch) {
        return new SearchParams(0, efSearch);
    }
}
