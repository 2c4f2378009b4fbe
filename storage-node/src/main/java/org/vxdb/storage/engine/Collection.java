package org.vxdb.storage.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.vxdb.api.IdHashing;
import org.vxdb.index.SearchParams;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.IdsExistException;
import org.vxdb.storage.shard.SearchOutcome;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;
import org.vxdb.storage.shard.StoredVector;

/**
 * One open collection: its config and its shards, numbered {@code 0 .. shardCount - 1}. Owned by
 * the {@link StorageEngine}, which closes it on drop or close.
 *
 * <p>The coordinator routes every id to one shard and talks to {@link #shard(int)} directly; the
 * methods here are conveniences for in-process callers, who pass the shard number for writes. An
 * id is expected to live in one shard only: searches do not remove duplicates across shards.
 */
public final class Collection {

    /** Closer first; equal distances by lower id, so merged results do not depend on shard order. */
    static final Comparator<Hit> NEAREST_FIRST = Comparator.comparingDouble(Hit::distance)
            .thenComparingLong(Hit::id);

    /** Replaced when a metadata index is added. */
    private volatile CollectionConfig config;
    private final List<Shard> shards;
    private volatile String closedAs;
    private final ShardSearchPool searchPool;

    Collection(CollectionConfig config, List<Shard> shards, ShardSearchPool searchPool) {
        this.config = config;
        this.shards = List.copyOf(shards);
        this.searchPool = searchPool;
    }

    public CollectionConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public int shardCount() {
        return shards.size();
    }

    public Shard shard(int s) {
        ensureOpen();
        if (s < 0 || s >= shards.size()) {
            throw new IllegalArgumentException("collection '" + name() + "' has no shard " + s + " (it has "
                    + shards.size() + ")");
        }
        return shards.get(s);
    }

    /** The shards, also after close (their size accessors stay safe to call), for {@link StorageEngine#stats()}. */
    List<Shard> shards() {
        return shards;
    }

    /** Writes a batch (upserts and deletes) to one shard; see {@link Shard#write(List)}. */
    public void upsert(int shard, List<ShardWrite> writes) throws IOException {
        write(shard, writes, false);
    }

    /**
     * Writes a batch to one shard, create-only when {@code ifAbsent}; see {@link Shard#write(List, boolean)}.
     *
     * @throws org.vxdb.storage.shard.IdsExistException if {@code ifAbsent} and an upserted id exists
     */
    public void write(int shard, List<ShardWrite> writes, boolean ifAbsent) throws IOException {
        shard(shard).write(writes, ifAbsent);
    }

    /** How a batch treats ids that are live. */
    public enum WriteMode {
        /** Creates or replaces (the newer version wins). */
        UPSERT,
        /** Creates only: if any upserted id is live or being created, nothing of the batch is written. */
        CREATE_ONLY
    }

    /**
     * Writes a batch that may span shards, each record to the shard of its id
     * ({@code IdHashing.bucketOf(id, shardCount)}). {@link WriteMode#CREATE_ONLY} is atomic across
     * the shards: the ids are reserved on every shard (in shard order) before any is written, so a
     * conflict on a later shard leaves the earlier ones untouched, and of two concurrent batches
     * sharing an id at most one is written, whole.
     *
     * @throws org.vxdb.storage.shard.IdsExistException in CREATE_ONLY, naming every id that exists
     */
    public void write(List<ShardWrite> batch, WriteMode mode) throws IOException {
        ensureOpen();
        TreeMap<Integer, List<ShardWrite>> byShard = new TreeMap<>();
        for (ShardWrite w : batch) {
            byShard.computeIfAbsent(IdHashing.bucketOf(w.id(), shards.size()), s -> new ArrayList<>()).add(w);
        }
        if (mode == WriteMode.UPSERT) {
            for (Map.Entry<Integer, List<ShardWrite>> e : byShard.entrySet()) {
                shard(e.getKey()).write(e.getValue(), false);
            }
            return;
        }
        List<Shard.CreateReservation> reserved = new ArrayList<>();
        try {
            List<Long> existing = new ArrayList<>();
            for (Map.Entry<Integer, List<ShardWrite>> e : byShard.entrySet()) {
                try {
                    reserved.add(shard(e.getKey()).reserveCreate(e.getValue()));
                } catch (IdsExistException conflict) {
                    existing.addAll(conflict.ids());
                }
            }
            if (!existing.isEmpty()) {
                throw new IdsExistException(inBatchOrder(batch, existing));
            }
            for (Shard.CreateReservation r : reserved) {
                r.commit();
            }
        } finally {
            reserved.forEach(Shard.CreateReservation::close);
        }
    }

    private static List<Long> inBatchOrder(List<ShardWrite> batch, List<Long> ids) {
        java.util.Set<Long> wanted = new java.util.HashSet<>(ids);
        java.util.LinkedHashSet<Long> out = new java.util.LinkedHashSet<>();
        for (ShardWrite w : batch) {
            if (wanted.contains(w.id())) {
                out.add(w.id());
            }
        }
        return List.copyOf(out);
    }

    /** A hit and the shard it came from (whose record it is, for reading its vector). */
    public record ShardHit(int shard, Hit hit) {
    }

    /**
     * Merged hits nearest first, the distinct shard plans, the rows the shards compared exactly, and
     * the lowest recall any shard measured at the index setting it ran (NaN: none measured).
     */
    public record ShardsOutcome(List<ShardHit> hits, String plan, long rowsScanned, double recall) {
    }

    /**
     * Wraps each shard's part of a search (a node puts a tracing span around it); runs on the
     * thread that searches the shard and must return what {@code search} returns.
     */
    @FunctionalInterface
    public interface ShardSearchHook {
        SearchOutcome around(int shard, Supplier<SearchOutcome> search);

        ShardSearchHook NONE = (shard, search) -> search.get();
    }

    private static final Comparator<ShardHit> SHARD_HITS_NEAREST_FIRST = Comparator
            .comparing(ShardHit::hit, NEAREST_FIRST);

    /**
     * Searches every shard and merges their results into one top-k, nearest first, equal
     * distances by lower id. The plan is the distinct shard plans, the rows scanned their sum.
     */
    public SearchOutcome search(float[] query, int k, Filter filter) {
        int[] all = new int[shards.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        ShardsOutcome o = search(all, query, k, filter, SearchParams.DEFAULT, config.recallTarget());
        return new SearchOutcome(o.hits().stream().map(ShardHit::hit).toList(), o.plan(), o.rowsScanned(),
                o.recall());
    }

    /**
     * Searches the listed shards side by side (on the engine's shard-search pool, with the calling
     * thread) and merges their results once into the top-k, nearest first, equal distances by lower
     * id: the same answer as searching them one after another. {@code recallTarget}: see
     * {@link Shard#search(float[], int, Filter, SearchParams, double)} (0: none).
     */
    public ShardsOutcome search(int[] shardNumbers, float[] query, int k, Filter filter, SearchParams params,
                                double recallTarget) {
        return search(shardNumbers, query, k, filter, params, recallTarget, ShardSearchHook.NONE);
    }

    /** {@link #search(int[], float[], int, Filter, SearchParams, double)} with each shard's search wrapped by {@code hook}. */
    public ShardsOutcome search(int[] shardNumbers, float[] query, int k, Filter filter, SearchParams params,
                                double recallTarget, ShardSearchHook hook) {
        ensureOpen();
        for (int s : shardNumbers) {
            shard(s);
        }
        List<SearchOutcome> outcomes = searchPool.runAll(shardNumbers.length,
                i -> hook.around(shardNumbers[i],
                        () -> shards.get(shardNumbers[i]).search(query, k, filter, params, recallTarget)));
        List<ShardHit> all = new ArrayList<>();
        TreeSet<String> plans = new TreeSet<>();
        long scanned = 0;
        double recall = Double.NaN;
        for (int i = 0; i < shardNumbers.length; i++) {
            SearchOutcome outcome = outcomes.get(i);
            if (!Double.isNaN(outcome.recall())) {
                recall = Double.isNaN(recall) ? outcome.recall() : Math.min(recall, outcome.recall());
            }
            for (Hit h : outcome.hits()) {
                all.add(new ShardHit(shardNumbers[i], h));
            }
            plans.add(outcome.plan());
            scanned += outcome.rowsScanned();
        }
        all.sort(SHARD_HITS_NEAREST_FIRST);
        List<ShardHit> top = List.copyOf(all.subList(0, Math.min(k, all.size())));
        return new ShardsOutcome(top, String.join(",", plans), scanned, recall);
    }

    /** The newest version of {@code id} in any shard (the highest version if, unexpectedly, several have it). */
    public Optional<StoredVector> get(long id) {
        ensureOpen();
        StoredVector newest = null;
        for (Shard shard : shards) {
            Optional<StoredVector> found = shard.get(id);
            if (found.isPresent() && (newest == null || found.get().version() > newest.version())) {
                newest = found.get();
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Live vectors over all shards. */
    public long count() {
        ensureOpen();
        long total = 0;
        for (Shard shard : shards) {
            total += shard.count();
        }
        return total;
    }

    /**
     * Adds a metadata index to every shard (built in the background over sealed data) and takes
     * {@code next}, which declares it, as this collection's config. Called by the engine once it has
     * recorded {@code next}.
     */
    void addMetadataIndex(CollectionConfig next, MetadataIndexSpec spec) {
        ensureOpen();
        config = next;
        for (Shard shard : shards) {
            shard.addMetadataIndex(spec);
        }
    }

    /** Per declared metadata index, summed over the shards: heap bytes and segments that have it so far. */
    public List<MetadataIndexStats> metadataIndexStats() {
        ensureOpen();
        Map<MetadataIndexSpec, MetadataIndexStats> sums = new LinkedHashMap<>();
        for (Shard shard : shards) {
            for (MetadataIndexStats s : shard.metadataIndexStats()) {
                sums.merge(s.spec(), s, MetadataIndexStats::plus);
            }
        }
        return List.copyOf(sums.values());
    }

    /** Seals every shard's memory buffer into a segment. */
    public void flush() {
        ensureOpen();
        for (Shard shard : shards) {
            shard.flush();
        }
    }

    /** Applies every shard's time-based triggers; see {@link Shard#maintain()}. */
    public void maintain() {
        ensureOpen();
        for (Shard shard : shards) {
            shard.maintain();
        }
    }

    /** Closes every shard; later calls fail with "collection 'x' was {@code how}". */
    void close(String how) {
        if (closedAs != null) {
            return;
        }
        closedAs = how;
        closeShards(shards);
    }

    static void closeShards(List<Shard> shards) {
        RuntimeException failure = null;
        for (Shard shard : shards) {
            try {
                shard.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void ensureOpen() {
        String how = closedAs;
        if (how != null) {
            throw new IllegalStateException("collection '" + name() + "' was " + how);
        }
    }
}
