package org.vxdb.storage.metaindex;

/**
 * One declared metadata index of a shard (or summed over several).
 *
 * @param spec            the field and kind
 * @param bytes           heap bytes of the index over the sealed segments and the memory buffer
 * @param segmentsIndexed sealed segments that have this index (the others are still being built)
 * @param segments        sealed segments
 */
public record MetadataIndexStats(MetadataIndexSpec spec, long bytes, int segmentsIndexed, int segments) {

    /** Whether every sealed segment has the index (the memory buffer always has it). */
    public boolean isComplete() {
        return segmentsIndexed == segments;
    }

    public MetadataIndexStats plus(MetadataIndexStats other) {
        return new MetadataIndexStats(spec, bytes + other.bytes, segmentsIndexed + other.segmentsIndexed,
                segments + other.segments);
    }
}
