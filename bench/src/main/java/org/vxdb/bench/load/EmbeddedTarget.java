package org.vxdb.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.concurrent.atomic.AtomicLong;
import org.vxdb.api.IdHashing;
import org.vxdb.bench.storage.BenchCollection;
import org.vxdb.bench.storage.ClusteredData;
import org.vxdb.index.Metric;
import org.vxdb.index.SearchParams;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.EngineConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.SearchOutcome;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.vecs.VectorSet;

/**
 * The storage engine in this process: a collection in a fresh data directory under {@code work}
 * (deleted on close), written through {@link Collection#upsert} (WAL, memory buffer, sealed
 * segments, background index builds) and searched shard by shard as a node does. Ids go to
 * shards by {@link IdHashing}, as the node and coordinator place them.
 */
final class EmbeddedTarget implements Target, FilterTarget {

    private final Path work;
    private final int shards;
    private final int[] allShards;
    private volatile double recallTarget;
    private final FsyncPolicy fsync;
    private final PrintStream log;
    private final AtomicLong versions = new AtomicLong();
    private Path dataDir;
    private StorageEngine engine;
    private Collection collection;
    private Metric metric;
    private volatile IntFunction<Metadata> metadataOfRow;

    EmbeddedTarget(Path work, int shards, FsyncPolicy fsync, PrintStream log) {
        this.work = work;
        this.shards = shards;
        this.allShards = java.util.stream.IntStream.range(0, shards).toArray();
        this.fsync = fsync;
        this.log = log;
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public void create(int dimension, Metric m, String index, long expectedRows, VectorSet trainingSource) {
        this.metric = m;
        try {
            dataDir = Files.createTempDirectory(Files.createDirectories(work), "vxdb-load-");
            engine = StorageEngine.open(new EngineConfig().dataDirs(dataDir));
            collection = engine.createCollection(CollectionConfig.of(BenchCollection.NAME, dimension, m)
                    .withIndex(index).withShardCount(shards)
                    .withFsync(fsync, CollectionConfig.BATCH_WINDOW_DEFAULT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void write(VectorSet rows, int from, int to, long idOffset) {
        long version = versions.incrementAndGet();
        List<List<ShardWrite>> byShard = new ArrayList<>(shards);
        for (int s = 0; s < shards; s++) {
            byShard.add(new ArrayList<>());
        }
        for (int r = from; r < to; r++) {
            long id = idOffset + r;
            IntFunction<Metadata> meta = metadataOfRow;
            byte[] encoded = meta == null ? null : MetadataCodec.encode(meta.apply(r));
            byShard.get(IdHashing.bucketOf(id, shards)).add(ShardWrite.upsert(id, version, rows.row(r), encoded));
        }
        try {
            for (int s = 0; s < shards; s++) {
                if (!byShard.get(s).isEmpty()) {
                    collection.upsert(s, byShard.get(s));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String awaitIndexed() {
        collection.flush();
        List<String> indexes = new ArrayList<>();
        long indexed = 0;
        for (int s = 0; s < shards; s++) {
            Shard shard = collection.shard(s);
            BenchCollection.awaitIndexed(shard, BenchCollection.expectedIndexedRows(collection.config(),
                    shard.count()), log);
            indexes.add(shard.indexDescription());
            indexed += shard.indexedRows();
        }
        return (shards == 1 ? indexes.get(0) : shards + " shards: " + String.join(" ", indexes)) + ", "
                + collection.count() + " rows, " + indexed + " indexed";
    }

    @Override
    public void recallTarget(double target) {
        this.recallTarget = target;
    }

    @Override
    public void search(float[] query, int k, int nprobe, long[] ids, float[] distances) {
        SearchParams params = nprobe > 0 ? SearchParams.nprobe(nprobe) : SearchParams.DEFAULT;
        List<Hit> hits;
        if (shards == 1) {
            hits = collection.shard(0).search(query, k, null, params, recallTarget).hits();
        } else {
            // The engine's own multi-shard search: shards side by side, merged once.
            hits = collection.search(allShards, query, k, null, params, recallTarget).hits().stream()
                    .map(Collection.ShardHit::hit).toList();
        }
        for (int i = 0; i < k; i++) {
            ids[i] = i < hits.size() ? hits.get(i).id() : -1;
            distances[i] = i < hits.size() ? Distances.toTruthUnits(metric, hits.get(i).distance()) : Float.NaN;
        }
    }

    @Override
    public void withMetadata(IntFunction<Metadata> metadata) {
        this.metadataOfRow = metadata;
    }

    @Override
    public void addMetadataIndex(MetadataIndexSpec spec) {
        try {
            engine.addMetadataIndex(BenchCollection.NAME, spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<MetadataIndexStats> metadataIndexStats() {
        return collection.metadataIndexStats();
    }

    @Override
    public String search(float[] query, int k, BenchFilter filter, long[] ids, float[] distances) {
        List<Hit> hits = new ArrayList<>();
        TreeSet<String> plans = new TreeSet<>();
        for (int s = 0; s < shards; s++) {
            SearchOutcome o = collection.shard(s).search(query, k, filter.engine(), SearchParams.DEFAULT);
            hits.addAll(o.hits());
            plans.add(o.plan());
        }
        hits.sort(Comparator.comparingDouble(Hit::distance).thenComparingLong(Hit::id));
        for (int i = 0; i < k; i++) {
            ids[i] = i < hits.size() ? hits.get(i).id() : -1;
            distances[i] = i < hits.size() ? Distances.toTruthUnits(metric, hits.get(i).distance()) : Float.NaN;
        }
        return String.join(",", plans);
    }

    @Override
    public void close() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            if (dataDir != null) {
                try {
                    ClusteredData.deleteTree(dataDir);
                } catch (IOException e) {
                    log.println("could not delete " + dataDir + ": " + e);
                }
            }
        }
    }
}
