package org.vxdb.storage.shard;

import org.vxdb.index.IndexSpec;
import org.vxdb.index.IndexType;

/**
 * The cost model of a filtered search over the indexed rows, in units of one distance computed
 * in a list the index scans. It compares scanning the estimated matches exactly (each a random
 * access into the mapped vectors) with searching the index with the matches as an allowed-id
 * selector. With a selector, an IVF list costs a cheap id check per row and a distance per match.
 * Until the shard has measured what this kind of filter needs ({@link FilterCalibrator}), the lists
 * probed are widened in inverse proportion to the selectivity: as many matches pass through the
 * probed lists as rows would without a filter, which keeps the unfiltered recall whatever the
 * filter. HNSW widens efSearch the same way. Once measured, the calibrated setting is costed instead.
 */
final class FilterPlanner {

    /** A distance for a row picked from a bitmap, relative to one in a scanned list. */
    static final double EXACT_ROW_COST = 1.2;
    /** An id checked against the selector, relative to a distance. */
    static final double CHECK_COST = 0.05;
    /** FAISS HNSW's efSearch when a search does not set one (FaissVectorIndex.DEFAULT_EF_SEARCH). */
    static final int DEFAULT_EF_SEARCH = 64;
    /** The widest efSearch a filter asks for. */
    static final int MAX_FILTER_EF_SEARCH = 4096;
    /** A post-filtered IVF search fetches this many times k / selectivity of the nearest rows... */
    static final double POST_FACTOR = 2.0;
    /** ...when that is at most this many (a broad filter: 2% and wider at k = 10). */
    static final int MAX_POST_CANDIDATES = 1000;

    enum Kind {
        EXACT_MATCHES("exact-matches"), INDEX("index"), INDEX_WIDE("index-wide");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * The nearest rows a post-filtered search fetches before keeping the matches: POST_FACTOR x k /
     * selectivity (twice the rows expected to hold k matches), or 0 when that exceeds
     * MAX_POST_CANDIDATES (the filter is too selective for it to pay).
     */
    static int postCandidates(int k, double selectivity) {
        double c = Math.ceil(POST_FACTOR * k / Math.max(selectivity, 1e-9));
        return c <= MAX_POST_CANDIDATES ? (int) Math.max(k, c) : 0;
    }

    /** Setting one allowed row's bit, relative to a distance (a random write into the bitset). */
    static final double BITSET_ROW_COST = 0.05;
    /** Checking one candidate's encoded metadata against the filter, relative to a distance. */
    static final double POST_CHECK_COST = 0.2;

    /**
     * Whether post-filtering the index's nearest {@code candidates} rows is cheaper than building
     * the bitset of every match and searching with it, at the same {@code nprobe}: the post-filter
     * computes every distance in the probed lists plus a metadata check per candidate; the
     * allowed-ids search sets a bit per match and computes only the matches' distances. So it pays
     * for broad filters on large shards (half the rows of 200k), not for 10%.
     */
    static boolean postFilterPays(IndexSpec spec, long covered, double selectivity, int nprobe, int candidates) {
        if (candidates <= 0 || !spec.type().isIvf() || covered <= 0) {
            return false;
        }
        double listRows = (double) covered / spec.nlist();
        double probed = Math.min(spec.nlist(), nprobe) * listRows;
        double post = probed + candidates * POST_CHECK_COST;
        double allowedIds = selectivity * covered * BITSET_ROW_COST + probed * (CHECK_COST + selectivity);
        return post < allowedIds;
    }

    /** What to run: the kind and, for the index, the nprobe or efSearch to search with (0: not used). */
    record Choice(Kind kind, int nprobe, int efSearch, double exactCost, double indexCost) {
    }

    static final Choice EXACT = new Choice(Kind.EXACT_MATCHES, 0, 0, 0, 0);

    private FilterPlanner() {
    }

    /**
     * @param covered    rows the index covers
     * @param matches    estimated live matches among them
     * @param baseNprobe nprobe the search would use without a filter
     * @param baseEf     efSearch the search would use without a filter (0: the index default)
     */
    static Choice choose(IndexSpec spec, long covered, double matches, int k, int baseNprobe, int baseEf) {
        return choose(spec, covered, matches, k, baseNprobe, baseEf, 0);
    }

    /**
     * As {@link #choose(IndexSpec, long, double, int, int, int)}, with the nprobe or efSearch
     * calibrated for this kind of filter ({@link FilterCalibrator}) in place of the full widening
     * (0: none calibrated yet, widen by 1 / selectivity).
     */
    static Choice choose(IndexSpec spec, long covered, double matches, int k, int baseNprobe, int baseEf,
                         int calibrated) {
        if (covered <= 0) {
            return EXACT;
        }
        double selectivity = Math.min(1.0, Math.max(matches, 1.0) / covered);
        double exactCost = matches * EXACT_ROW_COST;
        int nprobe = 0;
        int ef = 0;
        boolean wide;
        double indexCost;
        if (spec.type().isIvf()) {
            int nlist = spec.nlist();
            int base = Math.min(nlist, Math.max(1, baseNprobe));
            nprobe = calibrated > 0 ? Math.min(nlist, calibrated)
                    : (int) Math.min(nlist, Math.ceil(base / selectivity));
            double listRows = (double) covered / nlist;
            indexCost = nlist + nprobe * listRows * (CHECK_COST + selectivity);
            wide = nprobe > base;
        } else if (spec.type() == IndexType.HNSW_FLAT) {
            int base = Math.max(k, baseEf > 0 ? baseEf : DEFAULT_EF_SEARCH);
            ef = calibrated > 0 ? Math.min(MAX_FILTER_EF_SEARCH, Math.max(k, calibrated))
                    : (int) Math.min(MAX_FILTER_EF_SEARCH, Math.max(base, Math.ceil(base / selectivity)));
            // Each candidate expanded computes distances to its neighbours (about 2M at layer 0).
            indexCost = Math.min((double) covered, (double) ef) * 2.0 * spec.hnswM();
            wide = ef > base;
        } else {
            indexCost = covered * CHECK_COST + matches;
            wide = false;
        }
        if (exactCost <= indexCost) {
            return new Choice(Kind.EXACT_MATCHES, 0, 0, exactCost, indexCost);
        }
        return new Choice(wide ? Kind.INDEX_WIDE : Kind.INDEX, nprobe, ef, exactCost, indexCost);
    }
}
