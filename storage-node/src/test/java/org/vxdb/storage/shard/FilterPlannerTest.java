package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;

/** The filter plan's cost model on the shapes of the benchmark (200k and 1M rows, IVF and HNSW). */
class FilterPlannerTest {

    private static final IndexSpec IVF_200K = IndexSpec.parse("IVF1789,Flat", 96, Metric.L2);
    private static final IndexSpec IVF_1M = IndexSpec.parse("IVF2564,Flat", 96, Metric.L2);
    private static final IndexSpec HNSW = IndexSpec.parse("HNSW32", 96, Metric.L2);

    private static FilterPlanner.Choice ivf(IndexSpec spec, long rows, double selectivity) {
        int base = (int) Math.round(Math.sqrt(spec.nlist()));
        return FilterPlanner.choose(spec, rows, rows * selectivity, 10, base, 0);
    }

    @Test
    void shouldScanRareMatchesExactlyAndWidenTheProbesForSelectiveFilters() {
        FilterPlanner.Choice rare = ivf(IVF_200K, 200_000, 0.0001);
        assertEquals(FilterPlanner.Kind.EXACT_MATCHES, rare.kind());
        assertEquals(24.0, rare.exactCost(), 1e-9, "20 matches x 1.2");
        assertEquals(1789 + 200_000 * (0.05 + 0.0001), rare.indexCost(), 1e-6, "every list, ids checked");
        assertEquals(FilterPlanner.Kind.EXACT_MATCHES, ivf(IVF_200K, 200_000, 0.001).kind());
        assertEquals(FilterPlanner.Kind.EXACT_MATCHES, ivf(IVF_200K, 200_000, 0.01).kind());
        FilterPlanner.Choice tenth = ivf(IVF_200K, 200_000, 0.1);
        assertEquals(FilterPlanner.Kind.INDEX_WIDE, tenth.kind());
        assertEquals(420, tenth.nprobe(), "42 lists / 0.1");
        FilterPlanner.Choice half = ivf(IVF_200K, 200_000, 0.5);
        assertEquals(FilterPlanner.Kind.INDEX_WIDE, half.kind());
        assertEquals(84, half.nprobe());
        assertEquals(1789 + 84 * (200_000 / 1789.0) * 0.55, half.indexCost(), 1e-6);
        assertEquals(FilterPlanner.Kind.INDEX, ivf(IVF_200K, 200_000, 1.0).kind());
        assertEquals(FilterPlanner.Kind.EXACT_MATCHES, ivf(IVF_1M, 1_000_000, 0.01).kind());
        assertEquals(FilterPlanner.Kind.INDEX_WIDE, ivf(IVF_1M, 1_000_000, 0.1).kind());
    }

    @Test
    void shouldWidenEfSearchOnHnswUpToItsCap() {
        FilterPlanner.Choice half = FilterPlanner.choose(HNSW, 200_000, 100_000, 10, 0, 0);
        assertEquals(FilterPlanner.Kind.INDEX_WIDE, half.kind());
        assertEquals(128, half.efSearch(), "the default 64 / 0.5");
        assertEquals(FilterPlanner.Kind.EXACT_MATCHES, FilterPlanner.choose(HNSW, 200_000, 2_000, 10, 0, 0).kind());
        FilterPlanner.Choice tenth = FilterPlanner.choose(HNSW, 2_000_000, 200_000, 10, 0, 200);
        assertEquals(FilterPlanner.Kind.INDEX_WIDE, tenth.kind());
        assertEquals(2_000, tenth.efSearch(), "200 / 0.1");
        assertEquals(FilterPlanner.MAX_FILTER_EF_SEARCH,
                FilterPlanner.choose(HNSW, 2_000_000, 1_000_000, 10, 0, 4000).efSearch(), "4000 / 0.5, capped");
    }

    @Test
    void shouldPostFilterOnlyBroadFiltersOnLargeShards() {
        assertEquals(20, FilterPlanner.postCandidates(10, 1.0));
        assertEquals(40, FilterPlanner.postCandidates(10, 0.5));
        assertEquals(200, FilterPlanner.postCandidates(10, 0.1));
        assertEquals(1000, FilterPlanner.postCandidates(10, 0.02));
        assertEquals(0, FilterPlanner.postCandidates(10, 0.019), "too selective: more than 1000 candidates");
        // 200k rows: half the rows at nprobe 84 costs 9,416 by post-filter against 10,174 with the bitset.
        assertEquals(true, FilterPlanner.postFilterPays(IVF_200K, 200_000, 0.5, 84, 40));
        assertEquals(false, FilterPlanner.postFilterPays(IVF_200K, 200_000, 0.1, 42, 200), "the selector skips 90%");
        assertEquals(true, FilterPlanner.postFilterPays(IVF_1M, 1_000_000, 0.5, 102, 40));
        assertEquals(false, FilterPlanner.postFilterPays(IVF_1M, 1_000_000, 0.1, 51, 200));
        assertEquals(false, FilterPlanner.postFilterPays(IVF_1M, 1_000_000, 0.5, 102, 0), "no candidates");
        assertEquals(false, FilterPlanner.postFilterPays(HNSW, 1_000_000, 0.5, 0, 40), "IVF only");
    }

    @Test
    void shouldScanExactlyWithoutAnIndex() {
        assertEquals(FilterPlanner.EXACT, FilterPlanner.choose(IVF_200K, 0, 0, 10, 1, 0));
    }
}
