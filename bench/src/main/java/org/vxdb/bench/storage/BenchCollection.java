package org.vxdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.vxdb.index.Metric;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.EngineConfig;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.shard.Shard;
import org.vxdb.storage.shard.ShardWrite;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.vecs.VectorSet;

/**
 * The one-shard collection the storage benchmarks write to, and the steps they share: prepare
 * write batches, ingest them back to back, and wait until the index covers every sealed row.
 */
public final class BenchCollection {

    public static final String NAME = "bench";
    static final int BUFFER_ROWS = 100_000;
    public static final String DEFAULT_INDEX = "IVF,Flat";

    private BenchCollection() {
    }

    static CollectionConfig config(int dimension, String index, FsyncPolicy policy, Duration batchWindow) {
        return CollectionConfig.of(NAME, dimension, Metric.L2).withIndex(index).withShardCount(1)
                .withBufferRows(BUFFER_ROWS).withFsync(policy, batchWindow);
    }

    static StorageEngine openEngine(Path dataDir) throws IOException {
        return StorageEngine.open(new EngineConfig().dataDirs(dataDir));
    }

    /** Rows the shard's index should cover once indexing is done: every row, or none without an index. */
    public static long expectedIndexedRows(CollectionConfig c, long rows) {
        boolean indexes = !c.index().equals("Flat") && VectorIndexProviders.get().name().equals("faiss");
        return indexes && rows >= StorageEngine.INDEX_BUILD_THRESHOLD ? rows : 0;
    }

    /**
     * Rows {@code [0, n)} of {@code base} as upserts (id = row, version 1, no metadata) in batches of
     * {@code batch}, built before the clock starts so the benchmark times the engine, not the copy.
     */
    static List<List<ShardWrite>> batches(VectorSet base, int n, int batch) {
        List<List<ShardWrite>> out = new ArrayList<>((n + batch - 1) / batch);
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            List<ShardWrite> writes = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                writes.add(ShardWrite.upsert(r, 1, base.row(r), null));
            }
            out.add(writes);
        }
        return out;
    }

    /** What an ingest measured: wall time, and the batches during which the shard sealed a segment. */
    record Ingested(long nanos, Histogram all, Histogram sealing, Histogram other) {
    }

    /**
     * Writes the batches one after another (a closed loop: one writer, each batch sent when the
     * previous one is acknowledged, so the latencies are service times). A batch that fills the
     * memory buffer seals it into a segment before it returns; those batches are told apart by the
     * shard's segment count, so their share of the time can be reported.
     */
    static Ingested ingest(Collection c, List<List<ShardWrite>> batches) throws IOException {
        Shard shard = c.shard(0);
        Histogram all = Latencies.newHistogram();
        Histogram sealing = Latencies.newHistogram();
        Histogram other = Latencies.newHistogram();
        long started = System.nanoTime();
        for (List<ShardWrite> batch : batches) {
            int segments = shard.segmentCount();
            long t0 = System.nanoTime();
            c.upsert(0, batch);
            long took = System.nanoTime() - t0;
            all.recordValue(took);
            (shard.segmentCount() != segments ? sealing : other).recordValue(took);
        }
        return new Ingested(System.nanoTime() - started, all, sealing, other);
    }

    /**
     * Waits until the shard's index covers {@code expected} rows. {@link Shard#awaitIndexing()}
     * waits for the work queued when it is called; work that a finishing build queues (catching up
     * with segments sealed during the build) can land behind it, so this calls it until the index
     * has caught up. Returns how many calls it took.
     */
    public static int awaitIndexed(Shard shard, long expected, PrintStream out) {
        int calls = 0;
        long last = -1;
        int stalled = 0;
        while (true) {
            shard.awaitIndexing();
            calls++;
            long covered = shard.indexedRows();
            if (covered >= expected) {
                return calls;
            }
            stalled = covered == last ? stalled + 1 : 0;
            last = covered;
            if (stalled >= 20) {
                throw new IllegalStateException("the index covers " + covered + " of " + expected
                        + " rows and is not progressing (" + calls + " awaitIndexing calls)");
            }
            out.printf(Locale.ROOT, "  awaitIndexing returned with %d of %d rows indexed; waiting again%n", covered,
                    expected);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the index", e);
            }
        }
    }

    /** Bytes of all regular files under {@code dir}. */
    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    static Path shardDir(Path dataDir) {
        return dataDir.resolve("collections").resolve(NAME).resolve("shard-0");
    }

    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
