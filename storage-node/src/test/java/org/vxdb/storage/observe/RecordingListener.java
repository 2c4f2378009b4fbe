package org.vxdb.storage.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what a shard reports; callbacks arrive on the WAL writer and index threads, hence atomics. */
public final class RecordingListener implements StorageListener {

    public final AtomicLong fsyncs = new AtomicLong();
    public final AtomicLong fsyncNanos = new AtomicLong();
    public final AtomicLong appendedRecords = new AtomicLong();
    public final AtomicLong appendedBytes = new AtomicLong();
    public final List<Long> sealedRows = new CopyOnWriteArrayList<>();
    public final List<String> indexesBuilt = new CopyOnWriteArrayList<>();
    public final List<String> indexFailures = new CopyOnWriteArrayList<>();
    public final List<Long> compactedRows = new CopyOnWriteArrayList<>();
    /** "plan est=E actual=A" per filtered search. */
    public final List<String> filteredSearches = new CopyOnWriteArrayList<>();
    /** "fields over rows" per segment whose metadata indexes were built. */
    public final List<String> metadataIndexesBuilt = new CopyOnWriteArrayList<>();

    @Override
    public void walFsync(long nanos) {
        fsyncs.incrementAndGet();
        fsyncNanos.addAndGet(nanos);
    }

    @Override
    public void walAppended(int records, long bytes) {
        appendedRecords.addAndGet(records);
        appendedBytes.addAndGet(bytes);
    }

    @Override
    public void segmentSealed(long rows, long nanos) {
        sealedRows.add(rows);
    }

    @Override
    public void indexBuilt(String description, long rows, long nanos) {
        indexesBuilt.add(description + " over " + rows);
    }

    @Override
    public void indexBuildFailed(String reason) {
        indexFailures.add(reason);
    }

    @Override
    public void compacted(long rowsRemoved, long nanos) {
        compactedRows.add(rowsRemoved);
    }

    @Override
    public void filteredSearch(String plan, long estimatedMatches, long actualMatches) {
        filteredSearches.add(plan + " est=" + estimatedMatches + " actual=" + actualMatches);
    }

    @Override
    public void metadataIndexBuilt(String fields, long rows, long nanos) {
        metadataIndexesBuilt.add(fields + " over " + rows);
    }
}
