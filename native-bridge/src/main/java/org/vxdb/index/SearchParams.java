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

    public static SearchParams nprobe(int nprobe) {
        return new SearchParams(nprobe, 0);
    }

    public static SearchParams efSearch(int efSearch) {
        return new SearchParams(0, efSearch);
    }
}
