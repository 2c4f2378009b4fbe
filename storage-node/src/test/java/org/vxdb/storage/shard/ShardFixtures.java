package org.vxdb.storage.shard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.List;
import java.util.SplittableRandom;
import org.vxdb.index.Metric;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.storage.wal.WalConfig;

/** Deterministic rows and shard configs for the shard tests and the crash child process. */
final class ShardFixtures {

    private ShardFixtures() {
    }

    static WalConfig wal(FsyncPolicy policy) {
        return new WalConfig(policy, Duration.ofMillis(2), 1L << 20, 256 << 10);
    }

    static ShardConfig config(Path dir, int dim, Metric metric, int bufferRows, FsyncPolicy policy) {
        return new ShardConfig(dir, dim, metric, wal(policy), bufferRows, ShardConfig.DEFAULT_BUFFER_BYTES,
                ShardConfig.DEFAULT_BUFFER_AGE);
    }

    /** The vector of {@code id}: a pure function of the id, so any process can recompute it. */
    static float[] vector(long id, int dim) {
        SplittableRandom rnd = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 17);
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static Metadata metadata(long id) {
        return Metadata.of("bucket", id % 100, "parity", id % 2 == 0 ? "even" : "odd", "id", id);
    }

    /** Exact top-k ids by brute force over the rows a test knows are live (ties by lower id). */
    static List<Long> bruteForce(Map<Long, float[]> live, float[] q, int k, Filter filter) {
        return live.entrySet().stream()
                .filter(e -> filter == null || filter.matches(metadata(e.getKey())))
                .sorted(Comparator.comparingDouble((Map.Entry<Long, float[]> e) -> l2(q, e.getValue()))
                        .thenComparingLong(Map.Entry::getKey))
                .limit(k).map(Map.Entry::getKey).toList();
    }

    static double l2(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }

    static List<Long> ids(SearchOutcome o) {
        return o.hits().stream().map(Hit::id).toList();
    }

    static List<ShardWrite> upserts(long firstId, int n, long version, int dim) {
        List<ShardWrite> out = new ArrayList<>(n);
        for (long id = firstId; id < firstId + n; id++) {
            out.add(ShardWrite.upsert(id, version, vector(id, dim), MetadataCodec.encode(metadata(id))));
        }
        return out;
    }
}
