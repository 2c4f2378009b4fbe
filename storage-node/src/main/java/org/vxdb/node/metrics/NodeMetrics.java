package org.vxdb.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.index.faiss.FaissVariant;
import org.vxdb.service.metrics.ServiceMetrics;
import org.vxdb.storage.engine.EngineStats;

/**
 * What a storage node exports besides the shared {@link ServiceMetrics}: ingest, WAL, segments,
 * indexes and memory. docs/operations.md lists them.
 */
public final class NodeMetrics {

    /** fsync latencies from 50 us to 2.5 s. */
    private static final double[] FSYNC_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    /** Seal and index build times from 1 ms to about 30 min. */
    private static final double[] BUILD_BUCKETS = {0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};

    /** Estimate over actual, from a hundredth to a hundred times. */
    private static final double[] RATIO_BUCKETS = {0.01, 0.1, 0.5, 0.8, 0.9, 1.1, 1.25, 2, 10, 100};

    private final ServiceMetrics service = new ServiceMetrics();
    private final PrometheusRegistry registry = service.registry();

    private final Counter ingested = Counter.builder().name("vxdb_ingest_records_total")
            .help("Records written through the node's APIs, by operation (upsert, delete)").labelNames("op")
            .register(registry);
    private final Counter ingestBatches = Counter.builder().name("vxdb_ingest_batches_total")
            .help("Write batches acknowledged, by API (public, stream, internal)").labelNames("api").register(registry);
    final Histogram walFsyncSeconds = Histogram.builder().name("vxdb_wal_fsync_duration_seconds")
            .help("Time of each WAL fsync").classicOnly().classicUpperBounds(FSYNC_BUCKETS).register(registry);
    final Counter walRecords = Counter.builder().name("vxdb_wal_appended_records_total")
            .help("Records appended to write-ahead logs").register(registry);
    final Counter walBytes = Counter.builder().name("vxdb_wal_appended_bytes_total")
            .help("Payload bytes appended to write-ahead logs").register(registry);
    final Histogram sealSeconds = Histogram.builder().name("vxdb_segment_seal_duration_seconds")
            .help("Time to seal a memory buffer into a segment file").classicOnly()
            .classicUpperBounds(BUILD_BUCKETS).register(registry);
    final Counter sealedRows = Counter.builder().name("vxdb_segment_sealed_rows_total")
            .help("Rows sealed into segment files").register(registry);
    final Histogram indexBuildSeconds = Histogram.builder().name("vxdb_index_build_duration_seconds")
            .help("Time to train and fill a shard index").classicOnly().classicUpperBounds(BUILD_BUCKETS)
            .register(registry);
    final Counter indexBuildFailures = Counter.builder().name("vxdb_index_build_failures_total")
            .help("Index builds that failed (the shard keeps answering by exact scan)").register(registry);
    final Counter compactedRows = Counter.builder().name("vxdb_compaction_removed_rows_total")
            .help("Dead rows removed by compaction").register(registry);
    final Counter filteredSearches = Counter.builder().name("vxdb_filtered_searches_total")
            .help("Filtered shard searches, by plan (exact-matches, index, index-wide, ...+post, ...->exact)")
            .labelNames("plan").register(registry);
    final Counter filterEstimatedMatches = Counter.builder().name("vxdb_filter_estimated_matches_total")
            .help("Matching rows the filter planner estimated, by plan").labelNames("plan").register(registry);
    final Counter filterActualMatches = Counter.builder().name("vxdb_filter_actual_matches_total")
            .help("Live matching rows filtered searches found, by plan").labelNames("plan").register(registry);
    final Histogram filterEstimateRatio = Histogram.builder().name("vxdb_filter_estimate_ratio")
            .help("(estimated + 1) / (actual + 1) matching rows of each filtered shard search").classicOnly()
            .classicUpperBounds(RATIO_BUCKETS).register(registry);
    final Histogram measuredRecall = Histogram.builder().name("vxdb_search_measured_recall")
            .help("Recall@k of the index at its default setting, per calibration sample checked against the exact "
                    + "answer (source: served queries, or shard rows used as queries when an index is built; "
                    + "filtered: filtered queries at the setting widened from, against the exact filtered answer)")
            .labelNames("source").classicOnly()
            .classicUpperBounds(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.0)
            .register(registry);
    final Histogram metadataIndexBuildSeconds = Histogram.builder().name("vxdb_metadata_index_build_duration_seconds")
            .help("Time to build the metadata indexes of one segment from its metadata").classicOnly()
            .classicUpperBounds(BUILD_BUCKETS).register(registry);

    /** Which index provider and FAISS library variant (avx2, generic) this JVM chose; "none" without FAISS. */
    public NodeMetrics() {
        String provider = VectorIndexProviders.get().name();
        FaissVariant.Choice variant = FaissVariant.loaded();
        Info.builder().name("vxdb_index_provider").help("The vector index provider and FAISS library variant in use")
                .labelNames("provider", "faiss_variant").register(registry)
                .setLabelValues(provider, variant == null ? "none" : variant.variant());
    }

    /** The gRPC, readiness and JVM metrics shared with every VxDB server, in the same registry. */
    public ServiceMetrics service() {
        return service;
    }

    /** Gauges read from the engine at each scrape; absent (no samples) until the engine is open. */
    public void registerEngineGauges(Supplier<EngineStats> stats) {
        gauge("vxdb_collections", "Open collections", stats, s -> s.collections());
        gauge("vxdb_shards", "Open shards", stats, s -> s.shards());
        gauge("vxdb_vectors", "Live vectors over all shards", stats, s -> s.vectors());
        gauge("vxdb_segments", "Sealed segment files", stats, s -> s.segments());
        gauge("vxdb_buffer_rows", "Rows in the shards' memory buffers", stats, s -> s.bufferedRows());
        gauge("vxdb_buffer_bytes", "Off-heap bytes of rows in the shards' memory buffers", stats,
                s -> s.bufferBytes());
        gauge("vxdb_segment_mapped_bytes", "Bytes of segment files mapped into memory", stats, s -> s.mappedBytes());
        gauge("vxdb_indexed_rows", "Sealed rows covered by an index", stats, s -> s.indexedRows());
        gauge("vxdb_native_memory_used_bytes", "Native memory reserved against the node's budget", stats,
                s -> s.nativeBudgetUsed());
        gauge("vxdb_native_memory_limit_bytes", "The node's native memory budget", stats, s -> s.nativeBudgetLimit());
        GaugeWithCallback.builder().name("vxdb_metadata_index_bytes")
                .help("Heap bytes of each metadata index over its collection's shards (also reserved from the"
                        + " native memory budget)")
                .labelNames("collection", "field", "kind").callback(cb -> {
                    EngineStats s = stats.get();
                    if (s != null) {
                        for (EngineStats.MetadataIndexBytes m : s.metadataIndexes()) {
                            cb.call(m.bytes(), m.collection(), m.field(), m.kind());
                        }
                    }
                }).register(registry);
    }

    /**
     * Free and total bytes of the file system under each data directory, read at each scrape (the
     * disk-full alert divides them). A directory whose file system cannot be read has no sample.
     */
    public void registerDataDirGauges(List<Path> dataDirs) {
        List<Path> dirs = List.copyOf(dataDirs);
        dataDirGauge("vxdb_data_dir_usable_bytes", "Bytes the node can still write on each data directory's file"
                + " system", dirs, FileStore::getUsableSpace);
        dataDirGauge("vxdb_data_dir_total_bytes", "Size of each data directory's file system", dirs,
                FileStore::getTotalSpace);
        GaugeWithCallback.builder().name("vxdb_quarantined_segment_files")
                .help("Segment files in the shards' quarantine directories of each data directory (failed their"
                        + " checksums at open; docs/runbooks/corrupt-segment.md)").labelNames("dir").callback(cb -> {
                    for (Path dir : dirs) {
                        cb.call(quarantinedFiles(dir), dir.toString());
                    }
                }).register(registry);
    }

    /** Files in {@code <dir>/collections/<collection>/shard-<n>/quarantine/} (docs/storage-engine.md, layout). */
    static long quarantinedFiles(Path dataDir) {
        long n = 0;
        try (DirectoryStream<Path> collections = Files.newDirectoryStream(dataDir.resolve("collections"))) {
            for (Path collection : collections) {
                try (DirectoryStream<Path> shards = Files.newDirectoryStream(collection, "shard-*")) {
                    for (Path shard : shards) {
                        Path quarantine = shard.resolve("quarantine");
                        if (Files.isDirectory(quarantine)) {
                            try (DirectoryStream<Path> files = Files.newDirectoryStream(quarantine)) {
                                for (Path ignored : files) {
                                    n++;
                                }
                            }
                        }
                    }
                } catch (IOException | DirectoryIteratorException e) {
                    // a collection dropped while counting, or not a directory: nothing quarantined there
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // no collections directory yet: nothing quarantined
        }
        return n;
    }

    private void dataDirGauge(String name, String help, List<Path> dirs, StoreBytes bytes) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("dir").callback(cb -> {
            for (Path dir : dirs) {
                try {
                    cb.call(bytes.of(Files.getFileStore(dir)), dir.toString());
                } catch (IOException unreadable) {
                    // no sample: the node's status report shows the directory with zeros
                }
            }
        }).register(registry);
    }

    /** One figure of a file store; FileStore's getters throw IOException. */
    @FunctionalInterface
    private interface StoreBytes {
        long of(FileStore store) throws IOException;
    }

    private void gauge(String name, String help, Supplier<EngineStats> stats,
                       java.util.function.ToDoubleFunction<EngineStats> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            EngineStats s = stats.get();
            if (s != null) {
                cb.call(value.applyAsDouble(s));
            }
        }).register(registry);
    }

    public void recordsWritten(String op, long n) {
        ingested.labelValues(op).inc(n);
    }

    public void batchAcknowledged(String api) {
        ingestBatches.labelValues(api).inc();
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
