package org.vxdb.bench.load;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.vxdb.bench.storage.RowSample;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.shard.IndexPolicy;
import org.vxdb.vecs.VectorSet;

/**
 * The baseline: one {@link VectorIndex} in this process, called directly, with no WAL, buffer,
 * shard or network in between. An automatic IVF ({@code IVF,Flat}) gets the nlist the engine's
 * rule gives for the expected rows, trained on the same size of uniform sample the engine uses,
 * so it is the index the engine would build over the same data.
 */
final class DirectTarget implements Target {

    private final Arena arena = Arena.ofShared();
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();
    private VectorIndex index;
    private int dimension;
    private Metric metric;

    /** Native query and result buffers of one searching thread, from the target's arena. */
    private record Scratch(MemorySegment query, MemorySegment ids, MemorySegment distances, int k) {
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public void create(int dim, Metric m, String indexText, long expectedRows, VectorSet trainingSource) {
        this.dimension = dim;
        this.metric = m;
        IndexPolicy policy = CollectionConfig.of("direct", dim, m).withIndex(indexText)
                .indexPolicy(StorageEngine.INDEX_BUILD_THRESHOLD);
        IndexSpec spec = policy.resolve(dim, m, Math.max(1, expectedRows));
        index = VectorIndexProviders.get().create(spec);
        if (spec.requiresTraining()) {
            int rows = (int) Math.min(trainingSource.count(), Math.min(expectedRows, policy.maxTrainingRows()));
            try (Arena training = Arena.ofConfined()) {
                index.train(RowSample.of(trainingSource, rows, training));
            }
        }
    }

    @Override
    public void write(VectorSet rows, int from, int to, long idOffset) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment ids = call.allocate(ValueLayout.JAVA_LONG, to - from);
            for (int r = from; r < to; r++) {
                ids.setAtIndex(ValueLayout.JAVA_LONG, r - from, idOffset + r);
            }
            index.add(ids, rows.rows(from, to));
        }
    }

    @Override
    public String awaitIndexed() {
        return index.spec().description() + " (" + index.provider() + "), " + index.count() + " rows";
    }

    @Override
    public void search(float[] query, int k, int nprobe, long[] ids, float[] distances) {
        Scratch s = scratchFor(k);
        MemorySegment.copy(query, 0, s.query(), ValueLayout.JAVA_FLOAT, 0, dimension);
        index.search(s.query(), k, nprobe > 0 ? SearchParams.nprobe(nprobe) : SearchParams.DEFAULT, s.ids(),
                s.distances());
        for (int i = 0; i < k; i++) {
            ids[i] = s.ids().getAtIndex(ValueLayout.JAVA_LONG, i);
            distances[i] = Distances.toTruthUnits(metric, s.distances().getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
    }

    private Scratch scratchFor(int k) {
        Scratch s = scratch.get();
        if (s == null || s.k() != k) {
            synchronized (arena) {
                s = new Scratch(arena.allocate(ValueLayout.JAVA_FLOAT, dimension), arena.allocate(ValueLayout.JAVA_LONG, k),
                        arena.allocate(ValueLayout.JAVA_FLOAT, k), k);
            }
            scratch.set(s);
        }
        return s;
    }

    @Override
    public void close() {
        if (index != null) {
            index.close();
        }
        arena.close();
    }
}
