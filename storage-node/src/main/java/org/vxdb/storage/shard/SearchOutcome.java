package org.vxdb.storage.shard;

import java.util.List;

/**
 * Search results plus how they were found, so callers and tests can see which plan ran, and the
 * recall@k the shard measured at the index setting that ran (NaN: no index search, or not measured yet).
 */
public record SearchOutcome(List<Hit> hits, String plan, long rowsScanned, double recall) {

    public SearchOutcome(List<Hit> hits, String plan, long rowsScanned) {
        this(hits, plan, rowsScanned, Double.NaN);
    }
}
