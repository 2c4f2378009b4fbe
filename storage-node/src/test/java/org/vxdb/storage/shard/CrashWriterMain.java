package org.vxdb.storage.shard;

import java.nio.file.Path;
import org.vxdb.index.Metric;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Child process of {@link ShardCrashTest}: writes batches of {@link #BATCH} rows with ids counting up
 * from {@code args[1]} into the shard at {@code args[0]} (fsync always) and prints
 * {@code ACK first last} after each batch is acknowledged, until it is killed.
 */
public final class CrashWriterMain {

    static final int DIM = 8;
    static final int BATCH = 10;
    static final int BUFFER_ROWS = 37; // seals often, so kills land in seals too

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long id = Long.parseLong(args[1]);
        try (Shard shard = Shard.open(ShardFixtures.config(dir, DIM, Metric.L2, BUFFER_ROWS, FsyncPolicy.ALWAYS))) {
            System.out.println("READY " + shard.count());
            System.out.flush();
            for (int b = 0; b < 100_000; b++) {
                shard.write(ShardFixtures.upserts(id, BATCH, 1, DIM));
                System.out.println("ACK " + id + " " + (id + BATCH - 1));
                System.out.flush();
                id += BATCH;
            }
        }
    }
}
