package org.vxdb.storage.shard;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.memory.StorageEstimates;

/**
 * The approximate index over a shard's sealed rows {@code [0, coveredRows)}: a {@link VectorIndex}
 * whose ids are global row numbers, trained on a sample and filled straight from the mapped
 * segments (zero copy). Cosine shards store unit vectors, so their index is an inner-product index
 * and {@code 1 + distance} turns its distances into cosine distances.
 */
final class ShardIndex implements AutoCloseable {

    final VectorIndex index;
    final long trainedRows;
    volatile long coveredRows;
    volatile long persistedRows;
    final String file;

    /** The index's share of the native memory budget, released on close. */
    private final NativeMemoryBudget.Reservation reservation;

    private ShardIndex(VectorIndex index, long trainedRows, long coveredRows, String file,
                       NativeMemoryBudget.Reservation reservation) {
        this.index = index;
        this.trainedRows = trainedRows;
        this.coveredRows = coveredRows;
        this.file = file;
        this.reservation = reservation;
    }

    /** Native bytes an index of {@code spec} over {@code rows} rows takes ({@link StorageEstimates#indexBytes}). */
    static long estimateBytes(IndexSpec spec, long rows) {
        return StorageEstimates.indexBytes(spec, rows);
    }

    static Metric indexMetric(Metric shardMetric) {
        return shardMetric == Metric.COSINE ? Metric.INNER_PRODUCT : shardMetric;
    }

    /** Distance of the index turned into the shard's metric. */
    static float toShardDistance(Metric shardMetric, float indexDistance) {
        return shardMetric == Metric.COSINE ? 1f + indexDistance : indexDistance;
    }

    /** Trains a new index on a sample of {@code segments} and adds all of their rows. */
    static ShardIndex build(VectorIndexProvider provider, IndexPolicy policy, int dimension, Metric metric,
                            List<SealedSegment> segments, String file, NativeMemoryBudget budget) {
        long rows = 0;
        for (SealedSegment s : segments) {
            rows += s.segment().count();
        }
        IndexSpec spec = policy.resolve(dimension, indexMetric(metric), rows);
        // Reserve for the grown index up front (rebuild happens at rebuildFactor x this size).
        long estimate = estimateBytes(spec, (long) Math.ceil(rows * policy.rebuildFactor()));
        NativeMemoryBudget.Reservation reservation = budget.reserve(estimate, "building " + spec.description()
                + " over " + rows + " rows");
        VectorIndex index = null;
        try {
            index = provider.create(spec);
            if (spec.requiresTraining()) {
                long sampleRows = Math.min(rows, policy.maxTrainingRows());
                try (NativeMemoryBudget.Reservation sampleReservation = budget.reserve(
                        StorageEstimates.trainingSampleBytes(dimension, sampleRows),
                        "training sample of " + sampleRows + " rows");
                     Arena arena = Arena.ofConfined()) {
                    index.train(sample(segments, rows, sampleRows, dimension, arena));
                }
            }
            ShardIndex built = new ShardIndex(index, rows, 0, file, reservation);
            built.addSegments(segments);
            return built;
        } catch (RuntimeException e) {
            if (index != null) {
                index.close();
            }
            reservation.close();
            throw e;
        }
    }

    static ShardIndex loaded(VectorIndex index, long coveredRows, String file,
                             NativeMemoryBudget.Reservation reservation) {
        ShardIndex loaded = new ShardIndex(index, coveredRows, coveredRows, file, reservation);
        loaded.persistedRows = coveredRows;
        return loaded;
    }

    /** Adds the segments that start at or after {@link #coveredRows}, in order. */
    void addSegments(List<SealedSegment> segments) {
        for (SealedSegment s : segments) {
            if (s.base() < coveredRows) {
                continue;
            }
            long n = s.segment().count();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, n);
                for (long r = 0; r < n; r++) {
                    ids.setAtIndex(ValueLayout.JAVA_LONG, r, s.base() + r);
                }
                index.add(ids, s.segment().vectors());
            }
            coveredRows = s.end();
        }
    }

    /** A uniform sample of rows copied into one contiguous block (training needs contiguous input). */
    private static MemorySegment sample(List<SealedSegment> segments, long total, long want, int dimension,
                                        Arena arena) {
        long rowBytes = (long) dimension * Float.BYTES;
        MemorySegment out = arena.allocate(want * rowBytes, 64);
        SplittableRandom rnd = new SplittableRandom(total);
        long taken = 0;
        long seen = 0;
        for (SealedSegment s : segments) {
            long n = s.segment().count();
            for (long r = 0; r < n && taken < want; r++, seen++) {
                // Selection sampling: each remaining row is taken with probability (want - taken) / (total - seen).
                if (rnd.nextLong(total - seen) < want - taken) {
                    MemorySegment.copy(s.segment().vectors(), r * rowBytes, out, taken * rowBytes, rowBytes);
                    taken++;
                }
            }
        }
        return out.asSlice(0, taken * rowBytes);
    }

    /** Native memory reserved for this index (0 when it was loaded without a reservation). */
    long bytes() {
        return reservation == null ? 0 : reservation.bytes();
    }

    void save(Path dir) {
        index.save(dir.resolve(file));
        persistedRows = coveredRows;
    }

    @Override
    public void close() {
        try {
            index.close();
        } finally {
            if (reservation != null) {
                reservation.close();
            }
        }
    }
}
