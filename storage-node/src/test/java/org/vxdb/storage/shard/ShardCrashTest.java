package org.vxdb.storage.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * Crash safety with a real child JVM killed by SIGKILL at random moments: every acknowledged row is
 * there exactly once after restart, every batch is all-or-nothing, and searches match an exact
 * re-scan of what survived.
 */
class ShardCrashTest {

    private static final int ROUNDS = 6;
    private static final long ROUND_SPAN = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedWriteThroughKillNine() throws Exception {
        SplittableRandom rnd = new SplittableRandom(20261121);
        List<long[]> acked = new ArrayList<>();
        long[] lastAckedPerRound = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long start = round * ROUND_SPAN;
            int killAfter = 1 + rnd.nextInt(60);
            lastAckedPerRound[round] = start - 1;
            Process child = startChild(start, round);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String ready = nextProtocolLine(out);
                if (ready == null || !ready.startsWith("READY")) {
                    child.waitFor(60, TimeUnit.SECONDS);
                    throw new AssertionError("child " + round + " did not start (" + ready + "): " + childLog(round));
                }
                int acks = 0;
                String line;
                while (acks < killAfter && (line = nextProtocolLine(out)) != null) {
                    String[] f = line.split(" ");
                    long first = Long.parseLong(f[1]);
                    long last = Long.parseLong(f[2]);
                    acked.add(new long[] {first, last});
                    lastAckedPerRound[round] = last;
                    acks++;
                }
                if (acks != killAfter) {
                    child.waitFor(60, TimeUnit.SECONDS);
                    throw new AssertionError("child " + round + " exited after " + acks + " acks: " + childLog(round));
                }
                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            }
        }

        int dim = CrashWriterMain.DIM;
        try (Shard shard = Shard.open(ShardFixtures.config(dir.resolve("shard"), dim, Metric.L2, CrashWriterMain.BUFFER_ROWS,
                FsyncPolicy.ALWAYS))) {
            for (long[] batch : acked) {
                for (long id = batch[0]; id <= batch[1]; id++) {
                    StoredVector v = shard.get(id).orElseThrow(() -> new AssertionError("acknowledged row lost"));
                    assertArrayEquals(ShardFixtures.vector(v.id(), dim), v.vector());
                }
            }
            Map<Long, float[]> present = new HashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                long start = round * ROUND_SPAN;
                // Past the last batch we saw acknowledged the child may have written more, acknowledged or
                // not: each such batch must be there whole or not at all.
                for (long first = start; first <= lastAckedPerRound[round] + 2_000; first += CrashWriterMain.BATCH) {
                    int found = 0;
                    for (long id = first; id < first + CrashWriterMain.BATCH; id++) {
                        Optional<StoredVector> v = shard.get(id);
                        if (v.isPresent()) {
                            found++;
                            present.put(id, v.get().vector());
                        }
                    }
                    assertTrue(found == 0 || found == CrashWriterMain.BATCH,
                            "batch starting at " + first + " is half there: " + found + " rows");
                }
            }
            assertEquals(present.size(), shard.count(), "every row exactly once");
            for (long qid = 0; qid < 10; qid++) {
                float[] q = ShardFixtures.vector(-1 - qid, dim);
                List<Long> expected = present.entrySet().stream()
                        .sorted(Comparator.comparingDouble((Map.Entry<Long, float[]> e) -> ShardFixtures.l2(q, e.getValue()))
                                .thenComparingLong(Map.Entry::getKey))
                        .limit(10).map(Map.Entry::getKey).toList();
                assertEquals(expected, shard.search(q, 10, null).hits().stream().map(Hit::id).toList());
            }
        }
    }

    /** The child's next READY or ACK line; the test logging config also writes log lines to stdout. */
    private static String nextProtocolLine(BufferedReader out) throws IOException {
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY") && !line.startsWith("ACK ")) {
            // a log line: skip it
        }
        return line;
    }

    private Process startChild(long startId, int round) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules",
                "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                "-Dvxdb.index.provider=" + System.getProperty("vxdb.index.provider", "auto"),
                "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(),
                dir.resolve("shard").toString(), Long.toString(startId)));
        return new ProcessBuilder(cmd).redirectError(log(round).toFile()).start();
    }

    private String childLog(int round) throws IOException {
        String text = java.nio.file.Files.readString(log(round), StandardCharsets.UTF_8);
        return text.length() > 4000 ? text.substring(0, 4000) : text;
    }

    private Path log(int round) {
        return dir.resolve("child-" + round + ".log");
    }

}
