package org.vxdb.bench.load;

import org.vxdb.index.Metric;
import org.vxdb.vecs.VectorSet;

/**
 * What a load workload drives: one collection of vectors behind some layer of VxDB. The harness
 * measures every layer through this one interface, so a figure for {@code coordinator} and one for
 * {@code direct} come from the same loop, the same data and the same clock.
 *
 * <p>Implementations: {@code direct} (a {@link org.vxdb.index.VectorIndex} in this process, the
 * baseline), {@code embedded} (the storage engine in this process), {@code node=HOST:PORT} and
 * {@code coordinator=HOST:PORT} (the public {@code vxdb.v1} gRPC API). {@link #write} and
 * {@link #search} may be called from many threads at once.
 */
public interface Target extends AutoCloseable {

    /** As given on the command line: {@code direct}, {@code embedded}, {@code node=127.0.0.1:7101}. */
    String name();

    /**
     * Creates an empty collection for this run. {@code index} is a factory string ({@code Flat},
     * {@code IVF,Flat}: nlist chosen by the engine's rule for the rows it will hold,
     * {@code HNSW32}); {@code expectedRows} sizes what must be sized up front (the direct target's
     * nlist), and {@code trainingSource} holds rows a direct IVF index trains on before any write.
     */
    void create(int dimension, Metric metric, String index, long expectedRows, VectorSet trainingSource);

    /** Upserts rows {@code [from, to)} of {@code rows} with ids {@code idOffset + row}; returns once durable. */
    void write(VectorSet rows, int from, int to, long idOffset);

    /**
     * Makes every acknowledged write searchable through the index the target would serve with:
     * seals memory buffers and waits until background index builds cover them. Returns the
     * index that now answers, e.g. {@code IVF4000,Flat} or {@code 12 shards: IVF,Flat}.
     */
    String awaitIndexed();

    /**
     * Searches the {@code k} nearest rows of {@code query} probing {@code nprobe} IVF lists (0: the
     * target's default), writing ids (-1 when fewer were found) and distances in the ground truth's
     * units (L2: not squared; cosine: 1 - cos) into {@code ids} and {@code distances}.
     */
    void search(float[] query, int k, int nprobe, long[] ids, float[] distances);

    /**
     * Searches without an explicit nprobe aim for this recall@k (0: none), where the target can be
     * told one (the storage engine and gRPC targets: {@code params.recall_target}).
     */
    default void recallTarget(double target) {
    }

    /**
     * One empty round trip over this target's own connections (a gRPC health check that no
     * storage engine answers): the transport's floor, measured in the same run as the target's
     * figures. Null for in-process targets, which have no hop.
     */
    default LoadLoop.Operation emptyCall() {
        return null;
    }

    /**
     * The path floor: searches of {@code queries} (cycled, {@code k} nearest, {@code nprobe} as in
     * {@link #search}) in an empty collection of the same spec, made beside the target's own on
     * first use and dropped with it. Every layer a search crosses runs (adapter, admission, the
     * fan-out to every shard and node, the merge, both hops) but no storage engine has a row to
     * compare: what a search costs before its data. Null for in-process targets and before
     * {@link #create}.
     */
    default LoadLoop.Operation emptySearch(float[][] queries, int k, int nprobe) {
        return null;
    }

    /** Drops what {@link #create} made (best effort) and releases every resource. */
    @Override
    void close();
}
