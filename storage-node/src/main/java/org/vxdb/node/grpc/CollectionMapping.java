package org.vxdb.node.grpc;

import org.vxdb.api.RequestChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CollectionStats;
import org.vxdb.index.Metric;
import org.vxdb.node.config.CollectionDefaults;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.metaindex.MetadataIndexKind;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.wal.FsyncPolicy;

/** Collection specs between the wire and {@link CollectionConfig}, filling in the node's defaults. */
final class CollectionMapping {

    private CollectionMapping() {
    }

    static CollectionConfig toConfig(CollectionSpec spec, CollectionDefaults defaults) {
        if (spec.getName().isEmpty()) {
            throw new IllegalArgumentException("spec.name: required");
        }
        if (spec.getDimension() == 0) {
            throw new IllegalArgumentException("spec.dimension: required");
        }
        if (spec.getDimension() > CollectionConfig.MAX_DIMENSION) {
            throw new IllegalArgumentException("spec.dimension: " + Integer.toUnsignedString(spec.getDimension())
                    + " is invalid: use 1-" + CollectionConfig.MAX_DIMENSION);
        }
        int dimension = spec.getDimension();
        FsyncPolicy policy = spec.getFsyncPolicy() == org.vxdb.api.v1.FsyncPolicy.FSYNC_POLICY_UNSPECIFIED
                ? defaults.fsyncPolicy() : fsync(spec.getFsyncPolicy());
        Duration window = spec.getBatchWindowMicros() > 0 ? Duration.ofNanos(micros(spec.getBatchWindowMicros()))
                : policy == FsyncPolicy.BATCH && defaults.batchWindow().isZero() ? CollectionConfig.BATCH_WINDOW_DEFAULT
                : defaults.batchWindow();
        int rows = spec.getBufferRows() > 0 ? spec.getBufferRows()
                : defaults.bufferRows() > 0 ? defaults.bufferRows() : CollectionConfig.defaultBufferRows(dimension);
        List<MetadataIndexSpec> indexes = new ArrayList<>();
        for (int i = 0; i < spec.getMetadataIndexesCount(); i++) {
            indexes.add(metadataIndex(spec.getMetadataIndexes(i), "spec.metadata_indexes[" + i + "]"));
        }
        return new CollectionConfig(spec.getName(), dimension, metric(spec.getMetric()),
                spec.getIndex().isEmpty() ? CollectionConfig.INDEX_DEFAULT : spec.getIndex(),
                spec.getShardCount() == 0 ? CollectionConfig.SHARD_COUNT_DEFAULT : checkedInt(spec.getShardCount(),
                        "spec.shard_count"),
                rows, spec.getBufferBytes() > 0 ? spec.getBufferBytes() : defaults.bufferBytes(),
                spec.getBufferAgeMillis() > 0 ? Duration.ofMillis(spec.getBufferAgeMillis()) : defaults.bufferAge(),
                policy, window, indexes, RequestChecks.recallTarget(spec.getRecallTarget(), "spec.recall_target"));
    }

    /** A wire metadata index spec; errors name {@code at}, e.g. {@code spec.metadata_indexes[2].kind}. */
    static MetadataIndexSpec metadataIndex(org.vxdb.api.v1.MetadataIndexSpec spec, String at) {
        if (spec.getField().isEmpty()) {
            throw new IllegalArgumentException(at + ".field: required");
        }
        MetadataIndexKind kind = switch (spec.getKind()) {
            case METADATA_INDEX_INVERTED -> MetadataIndexKind.INVERTED;
            case METADATA_INDEX_ORDERED -> MetadataIndexKind.ORDERED;
            case METADATA_INDEX_KIND_UNSPECIFIED -> throw new IllegalArgumentException(at
                    + ".kind: required (METADATA_INDEX_INVERTED or METADATA_INDEX_ORDERED)");
            case UNRECOGNIZED -> throw new IllegalArgumentException(at + ".kind: unknown value");
        };
        try {
            return new MetadataIndexSpec(spec.getField(), kind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ".field: " + e.getMessage(), e);
        }
    }

    static org.vxdb.api.v1.MetadataIndexSpec metadataIndex(MetadataIndexSpec spec) {
        return org.vxdb.api.v1.MetadataIndexSpec.newBuilder().setField(spec.field())
                .setKind(switch (spec.kind()) {
                    case INVERTED -> org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_INVERTED;
                    case ORDERED -> org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_ORDERED;
                }).build();
    }

    private static long micros(long value) {
        if (value > Long.MAX_VALUE / 1000) {
            throw new IllegalArgumentException("spec.batch_window_micros: " + Long.toUnsignedString(value)
                    + " is too large");
        }
        return value * 1000;
    }

    private static int checkedInt(int unsigned, String field) {
        if (unsigned < 0) {
            throw new IllegalArgumentException(field + ": " + Integer.toUnsignedString(unsigned) + " is too large");
        }
        return unsigned;
    }

    static Metric metric(org.vxdb.api.v1.Metric m) {
        return switch (m) {
            case L2 -> Metric.L2;
            case INNER_PRODUCT -> Metric.INNER_PRODUCT;
            case COSINE -> Metric.COSINE;
            case METRIC_UNSPECIFIED -> throw new IllegalArgumentException(
                    "spec.metric: required (L2, INNER_PRODUCT or COSINE)");
            case UNRECOGNIZED -> throw new IllegalArgumentException("spec.metric: unknown value");
        };
    }

    static org.vxdb.api.v1.Metric metric(Metric m) {
        return switch (m) {
            case L2 -> org.vxdb.api.v1.Metric.L2;
            case INNER_PRODUCT -> org.vxdb.api.v1.Metric.INNER_PRODUCT;
            case COSINE -> org.vxdb.api.v1.Metric.COSINE;
        };
    }

    static FsyncPolicy fsync(org.vxdb.api.v1.FsyncPolicy p) {
        return switch (p) {
            case FSYNC_ALWAYS -> FsyncPolicy.ALWAYS;
            case FSYNC_BATCH -> FsyncPolicy.BATCH;
            case FSYNC_NONE -> FsyncPolicy.NONE;
            case FSYNC_POLICY_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException(
                    "spec.fsync_policy: unknown value");
        };
    }

    static org.vxdb.api.v1.FsyncPolicy fsync(FsyncPolicy p) {
        return switch (p) {
            case ALWAYS -> org.vxdb.api.v1.FsyncPolicy.FSYNC_ALWAYS;
            case BATCH -> org.vxdb.api.v1.FsyncPolicy.FSYNC_BATCH;
            case NONE -> org.vxdb.api.v1.FsyncPolicy.FSYNC_NONE;
        };
    }

    static CollectionSpec toSpec(CollectionConfig c) {
        return CollectionSpec.newBuilder()
                .setName(c.name())
                .setDimension(c.dimension())
                .setMetric(metric(c.metric()))
                .setIndex(c.index())
                .setShardCount(c.shardCount())
                .setBufferRows(c.bufferRows())
                .setBufferBytes(c.bufferBytes())
                .setBufferAgeMillis(c.bufferAge().toMillis())
                .setFsyncPolicy(fsync(c.fsyncPolicy()))
                .setBatchWindowMicros(c.batchWindow().toNanos() / 1000)
                .addAllMetadataIndexes(c.metadataIndexes().stream().map(CollectionMapping::metadataIndex).toList())
                .setRecallTarget(c.recallTarget())
                .build();
    }

    static CollectionStats stats(Collection c) {
        long vectors = 0;
        long buffered = 0;
        long indexed = 0;
        int segments = 0;
        for (int s = 0; s < c.shardCount(); s++) {
            Shard shard = c.shard(s);
            vectors += shard.count();
            buffered += shard.bufferedRows();
            indexed += shard.indexedRows();
            segments += shard.segmentCount();
        }
        CollectionStats.Builder stats = CollectionStats.newBuilder().setVectorCount(vectors).setSegmentCount(segments)
                .setBufferedRows(buffered).setIndexedRows(indexed);
        for (MetadataIndexStats m : c.metadataIndexStats()) {
            stats.addMetadataIndexes(org.vxdb.api.v1.MetadataIndexStats.newBuilder().setIndex(metadataIndex(m.spec()))
                    .setBytes(m.bytes()).setSegmentsIndexed(m.segmentsIndexed()).setSegments(m.segments()));
        }
        return stats.build();
    }
}
