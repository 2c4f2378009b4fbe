package org.vxdb.storage.shard;

import java.util.List;

/** Search results plus how they were found, so callers and tests can see which plan ran. */
public record SearchOutcome(List<Hit> hits, String plan, long rowsScanned) {
}
