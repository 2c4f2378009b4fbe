package org.vxdb.bench.load;

import java.util.List;
import java.util.function.IntFunction;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;

/**
 * A {@link Target} that stores metadata and answers filtered searches: {@code embedded},
 * {@code node=} and {@code coordinator=}. Used by the {@code filter} workload.
 */
interface FilterTarget {

    /** Rows written from now on carry {@code metadataOfRow.apply(row)} (row of the written set). */
    void withMetadata(IntFunction<Metadata> metadataOfRow);

    /** Declares a metadata index on the created collection (it is built in the background). */
    void addMetadataIndex(MetadataIndexSpec spec);

    /**
     * Each declared index's heap bytes and build progress over the collection, or an empty list
     * when this target cannot see them (a coordinator does not sum them over nodes).
     */
    List<MetadataIndexStats> metadataIndexStats();

    /** Like {@link Target#search} (default nprobe) with a filter; returns the plan the server named. */
    String search(float[] query, int k, BenchFilter filter, long[] ids, float[] distances);
}
