package org.vxdb.node.metrics;

import org.vxdb.storage.observe.StorageListener;

/** Feeds the engine's events (fsyncs, seals, index builds, compactions) into the node's metrics. */
public final class MetricsStorageListener implements StorageListener {

    private final NodeMetrics metrics;

    public MetricsStorageListener(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void walFsync(long nanos) {
        metrics.walFsyncSeconds.observe(nanos / 1e9);
    }

    @Override
    public void walAppended(int records, long bytes) {
        metrics.walRecords.inc(records);
        metrics.walBytes.inc(bytes);
    }

    @Override
    public void segmentSealed(long rows, long nanos) {
        metrics.sealSeconds.observe(nanos / 1e9);
        metrics.sealedRows.inc(rows);
    }

    @Override
    public void indexBuilt(String description, long rows, long nanos) {
        metrics.indexBuildSeconds.observe(nanos / 1e9);
    }

    @Override
    public void indexBuildFailed(String reason) {
        metrics.indexBuildFailures.inc();
    }

    @Override
    public void compacted(long rowsRemoved, long nanos) {
        metrics.compactedRows.inc(rowsRemoved);
    }

    @Override
    public void filteredSearch(String plan, long estimatedMatches, long actualMatches) {
        metrics.filteredSearches.labelValues(plan).inc();
        metrics.filterEstimatedMatches.labelValues(plan).inc(estimatedMatches);
        metrics.filterActualMatches.labelValues(plan).inc(actualMatches);
        metrics.filterEstimateRatio.observe((estimatedMatches + 1.0) / (actualMatches + 1.0));
    }

    @Override
    public void recallSampled(boolean served, double recallAtDefault) {
        metrics.measuredRecall.labelValues(served ? "served" : "bootstrap").observe(recallAtDefault);
    }

    @Override
    public void filteredRecallSampled(double recallAtBase) {
        metrics.measuredRecall.labelValues("filtered").observe(recallAtBase);
    }

    @Override
    public void metadataIndexBuilt(String fields, long rows, long nanos) {
        metrics.metadataIndexBuildSeconds.observe(nanos / 1e9);
    }
}
