package org.vxdb.storage.shard;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.agrona.collections.LongArrayList;
import org.vxdb.api.IdHashing;
import org.vxdb.storage.meta.MetadataCodec;

/**
 * A shard's reads by id: a stored vector, the per-bucket digests replicas compare, and the newest
 * record of each id, as the writes that recreate it (for read repair, anti-entropy and restores).
 * They consult the id map, which only the writer may change, so each read holds the shard's read
 * lock (writes wait; searches do not) and reads rows through the view current under it.
 */
final class ShardRecords {

    private final ShardViews views;
    private final Lock readLock;
    private final String shard;

    ShardRecords(ShardViews views, Lock readLock, String shard) {
        this.views = views;
        this.readLock = readLock;
        this.shard = shard;
    }

    /** The current view; the caller holds the read lock, so it stays current. */
    private ShardView view() {
        ShardView v = views.current();
        if (v == null) {
            throw new IllegalStateException("shard " + shard + " is closed");
        }
        return v;
    }

    /** The newest version of {@code id}, if it exists and is not deleted. */
    Optional<StoredVector> get(long id) {
        readLock.lock();
        try {
            ShardView v = view();
            long row = v.state.idToRow.get(id);
            if (row == -1 || v.state.dead.get(row)) {
                return Optional.empty();
            }
            return Optional.of(new StoredVector(id, v.versionOf(row), v.vectorOf(row),
                    MetadataCodec.decode(v.metadataOf(row))));
        } finally {
            readLock.unlock();
        }
    }

    /**
     * One {@link BucketDigest} per bucket {@code 0 .. buckets - 1}, in order, over the newest record
     * of every id the shard holds (tombstones included), bucketed by {@code IdHashing.bucketOf}.
     * Equal for two shards with the same newest (id, version, deleted) set, however their rows are
     * laid out. Scans the id map under the read lock (writes wait; searches do not).
     */
    List<BucketDigest> digest(int buckets) {
        BucketDigest.checkBuckets(buckets);
        long[] records = new long[buckets];
        long[] hashes = new long[buckets];
        readLock.lock();
        try {
            ShardView v = view();
            v.state.idToRow.forEachLong((id, row) -> {
                int b = IdHashing.bucketOf(id, buckets);
                records[b]++;
                hashes[b] += BucketDigest.recordHash(id, v.versionOf(row), v.isTombstoneRow(row));
            });
        } finally {
            readLock.unlock();
        }
        List<BucketDigest> digests = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            digests.add(new BucketDigest(b, records[b], hashes[b]));
        }
        return digests;
    }

    /**
     * Hands the newest record of every id whose bucket ({@code IdHashing.bucketOf(id, buckets)})
     * passes {@code bucketFilter} to {@code sink}, ids ascending, at most {@code batchRows} per
     * batch: live ids as upserts (stored vector, encoded metadata; cosine vectors are the stored unit
     * vectors), deleted ids as {@link ShardWrite#delete}. Writing the batches into an empty shard
     * reproduces this shard's digest. The sink runs without any shard lock held, so writes continue
     * (the sink may even write to this shard): the ids are listed once, then each batch is read as it
     * is at that moment. The filter runs under the read lock and must be quick.
     */
    void streamRecords(int buckets, IntPredicate bucketFilter, int batchRows, Consumer<List<ShardWrite>> sink) {
        BucketDigest.checkBuckets(buckets);
        if (batchRows < 1 || batchRows > Shard.MAX_BATCH_ROWS) {
            throw new IllegalArgumentException("batchRows must be 1-" + Shard.MAX_BATCH_ROWS + ", got " + batchRows);
        }
        Objects.requireNonNull(bucketFilter, "bucketFilter");
        Objects.requireNonNull(sink, "sink");
        long[] ids = idsInBuckets(buckets, bucketFilter);
        for (int from = 0; from < ids.length; from += batchRows) {
            List<ShardWrite> batch = newestRecords(ids, from, Math.min(ids.length, from + batchRows));
            if (!batch.isEmpty()) {
                sink.accept(batch);
            }
        }
    }

    /**
     * The newest record of each of {@code ids} the shard holds, as the write that recreates it (a
     * tombstone as a delete with its version), in the order asked; ids the shard never saw are left
     * out. What a coordinator compares between replicas for a read at QUORUM or ALL.
     */
    List<ShardWrite> newestRecords(long[] ids) {
        return newestRecords(ids, 0, ids.length);
    }

    /** The ids with a record in the buckets the filter accepts, sorted. */
    private long[] idsInBuckets(int buckets, IntPredicate bucketFilter) {
        LongArrayList ids = new LongArrayList();
        readLock.lock();
        try {
            view().state.idToRow.forEachLong((id, row) -> {
                if (bucketFilter.test(IdHashing.bucketOf(id, buckets))) {
                    ids.addLong(id);
                }
            });
        } finally {
            readLock.unlock();
        }
        long[] sorted = ids.toLongArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** The newest records of {@code ids[from, to)} the shard holds, as they are now, as writes that recreate them. */
    private List<ShardWrite> newestRecords(long[] ids, int from, int to) {
        List<ShardWrite> batch = new ArrayList<>(to - from);
        readLock.lock();
        try {
            ShardView v = view();
            for (int i = from; i < to; i++) {
                long row = v.state.idToRow.get(ids[i]);
                if (row == -1) {
                    continue; // never seen (an id from the id map keeps a record, at least a tombstone)
                }
                batch.add(recordOf(v, ids[i], row));
            }
        } finally {
            readLock.unlock();
        }
        return batch;
    }

    /** The write that recreates {@code row}, the newest row of {@code id}. */
    private static ShardWrite recordOf(ShardView v, long id, long row) {
        long version = v.versionOf(row);
        if (v.isTombstoneRow(row)) {
            return ShardWrite.delete(id, version);
        }
        return ShardWrite.upsert(id, version, v.vectorOf(row), v.metadataOf(row).toArray(ValueLayout.JAVA_BYTE));
    }
}
