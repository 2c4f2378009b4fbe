package org.vxdb.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.storage.wal.WalTestSupport.ignoreRecords;
import static org.vxdb.storage.wal.WalTestSupport.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WalConcurrencyTest {

    private static final int THREADS = 8;
    private static final int APPENDS_PER_THREAD = 500;

    @TempDir
    Path dir;

    /** Small files, so the run also rotates while appenders race. */
    private static WalConfig config(FsyncPolicy policy) {
        return new WalConfig(policy, Duration.ofMillis(1), 32 * 1024, 1024);
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void shouldGiveConcurrentAppendsUniqueContiguousLsnsAndReplayThemInOrder(FsyncPolicy policy) throws Exception {
        Map<Long, String> payloadByLsn = new ConcurrentHashMap<>();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(policy), 0, ignoreRecords())) {
            runAppenders(THREADS, APPENDS_PER_THREAD, (thread, i) -> {
                String payload = "thread-" + thread + "-append-" + i;
                long lsn = wal.append(text(payload));
                assertTrue(lsn <= wal.durableLsn() || policy == FsyncPolicy.NONE,
                        "an acknowledged append is durable under " + policy);
                return payloadByLsn.put(lsn, payload) == null;
            });
            assertEquals(THREADS * APPENDS_PER_THREAD, wal.lastLsn());
        }

        int total = THREADS * APPENDS_PER_THREAD;
        assertEquals(total, payloadByLsn.size(), "every LSN handed out once");
        List<WalTestSupport.Replayed> replayed = WalTestSupport.replay(dir, config(policy), 0);
        assertEquals(total, replayed.size());
        for (int i = 0; i < total; i++) {
            WalTestSupport.Replayed record = replayed.get(i);
            assertEquals(i + 1, record.lsn(), "LSNs are contiguous and replayed in order");
            assertEquals(payloadByLsn.get(record.lsn()), record.payload());
        }
        assertOrderedPerThread(replayed);
    }

    @Test
    void shouldCoverConcurrentAlwaysAppendsWithFewerFsyncsThanAppends() throws Exception {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.ALWAYS), 0, ignoreRecords())) {
            long fsyncsAfterOpen = wal.stats().fsyncs();
            runAppenders(THREADS, APPENDS_PER_THREAD, (thread, i) -> wal.append(text("t" + thread + "-" + i)) > 0);

            WalStats stats = wal.stats();
            assertEquals(THREADS * APPENDS_PER_THREAD, stats.appends());
            long appendFsyncs = stats.fsyncs() - fsyncsAfterOpen;
            assertTrue(appendFsyncs < stats.appends(),
                    "group commit: " + appendFsyncs + " fsyncs for " + stats.appends() + " appends");
        }
    }

    @Test
    void shouldCompleteEveryAsyncAppendFromManyThreads() throws Exception {
        Map<Long, String> payloadByLsn = new ConcurrentHashMap<>();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, config(FsyncPolicy.BATCH), 0, ignoreRecords())) {
            runAppenders(THREADS, APPENDS_PER_THREAD, (thread, i) -> {
                String payload = "async-" + thread + "-" + i;
                wal.appendAsync(text(payload)).thenAccept(lsn -> payloadByLsn.put(lsn, payload));
                return true;
            });
        }
        assertEquals(THREADS * APPENDS_PER_THREAD, payloadByLsn.size(), "close completed every queued append");
        List<WalTestSupport.Replayed> replayed = WalTestSupport.replay(dir, config(FsyncPolicy.BATCH), 0);
        for (WalTestSupport.Replayed record : replayed) {
            assertEquals(payloadByLsn.get(record.lsn()), record.payload());
        }
        assertEquals(THREADS * APPENDS_PER_THREAD, replayed.size());
    }

    @FunctionalInterface
    private interface Appender {
        boolean append(int thread, int index) throws Exception;
    }

    /** Starts all threads together and fails if any append reports false or throws. */
    private static void runAppenders(int threads, int appendsPerThread, Appender appender) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < appendsPerThread; i++) {
                        assertTrue(appender.append(thread, i), "append " + i + " of thread " + thread);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each thread appended sequentially, so its appends must replay in the order it made them. */
    private static void assertOrderedPerThread(List<WalTestSupport.Replayed> replayed) {
        int[] next = new int[THREADS];
        for (WalTestSupport.Replayed record : replayed) {
            String[] parts = record.payload().split("-");
            int thread = Integer.parseInt(parts[1]);
            int index = Integer.parseInt(parts[3]);
            assertEquals(next[thread], index, "order of thread " + thread);
            next[thread]++;
        }
    }
}
