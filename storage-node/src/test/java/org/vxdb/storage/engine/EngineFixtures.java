package org.vxdb.storage.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.shard.Hit;
import org.vxdb.storage.shard.ShardWrite;
import org.vxdb.storage.wal.FsyncPolicy;

/** Deterministic rows, small configs and a brute-force reference for the engine tests. */
final class EngineFixtures {

    private EngineFixtures() {
    }

    static EngineConfig engineConfig(Path... dataDirs) {
        return new EngineConfig().dataDirs(dataDirs).walMaxFileBytes(1L << 20).walMaxRecordBytes(256 << 10);
    }

    /** Small buffers so tests seal segments; fsync NONE because these tests close cleanly. */
    static CollectionConfig collection(String name, int dimension, Metric metric, int shards) {
        return CollectionConfig.of(name, dimension, metric).withShardCount(shards).withBufferRows(64)
                .withFsync(FsyncPolicy.NONE, Duration.ZERO);
    }

    static float[] vector(long id, int dim) {
        SplittableRandom rnd = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 31);
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static Metadata metadata(long id) {
        return Metadata.of("bucket", id % 10, "parity", id % 2 == 0 ? "even" : "odd");
    }

    static List<ShardWrite> upserts(long firstId, int n, long version, int dim) {
        List<ShardWrite> out = new ArrayList<>(n);
        for (long id = firstId; id < firstId + n; id++) {
            out.add(ShardWrite.upsert(id, version, vector(id, dim), MetadataCodec.encode(metadata(id))));
        }
        return out;
    }

    /** Distance as the shards report it: smaller is closer. */
    static double distance(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double l2 = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            l2 += (double) (a[i] - b[i]) * (a[i] - b[i]);
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return switch (metric) {
            case L2 -> l2;
            case INNER_PRODUCT -> -dot;
            case COSINE -> 1 - dot / Math.sqrt(na * nb);
        };
    }

    /** Ids of the exact top-k over {@code live}, nearest first, equal distances by lower id. */
    static List<Long> bruteForce(Metric metric, Map<Long, float[]> live, float[] q, int k, Filter filter) {
        return live.entrySet().stream()
                .filter(e -> filter == null || filter.matches(metadata(e.getKey())))
                .sorted(Comparator.comparingDouble((Map.Entry<Long, float[]> e) -> distance(metric, q, e.getValue()))
                        .thenComparingLong(Map.Entry::getKey))
                .limit(k).map(Map.Entry::getKey).toList();
    }

    static List<Long> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }

    /** Every path below {@code root}, relative to it, sorted; for asserting layouts on disk. */
    static List<String> tree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
