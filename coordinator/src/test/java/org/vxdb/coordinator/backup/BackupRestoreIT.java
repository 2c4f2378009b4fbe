package org.vxdb.coordinator.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.IdHashing;
import org.vxdb.api.internal.v1.ReadRecordsRequest;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.node.NodeProcess;

/**
 * Online backup of a three-node cluster (RF 2, 12 clusters) while a writer keeps writing, then
 * restores into fresh clusters of two and four nodes, each verified; and the refusals: an
 * interrupted backup, a damaged file, a manifest that does not match its marker.
 */
class BackupRestoreIT {

    private static final int DIM = 16;
    private static final String SOURCE_RANGES = """
              - {clusters: 0-3, replicas: [node-1, node-2]}
              - {clusters: 4-7, replicas: [node-3, node-1]}
              - {clusters: 8-11, replicas: [node-2, node-3]}
            """;

    @TempDir
    Path dir;

    /** The newest state the writer was acknowledged: id -> live (true) or deleted (false), with the ack time. */
    private record Acked(boolean live, long ackMillis) {
    }

    @Test
    void shouldBackUpUnderWriteLoadAndRestoreIntoClustersOfTwoAndFourNodes() throws Exception {
        Path backup = dir.resolve("backup");
        Map<Long, Acked> acked = new ConcurrentHashMap<>();
        BackupReport report;
        try (BackupCluster source = BackupCluster.start(dir.resolve("source"), List.of("node-1", "node-2", "node-3"),
                2, SOURCE_RANGES)) {
            source.startCoordinator();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1",
                    source.coordinator.grpcAddress().getPort()).usePlaintext().build();
            try {
                CollectionServiceGrpc.newBlockingStub(channel).createCollection(CreateCollectionRequest.newBuilder()
                        .setSpec(CollectionSpec.newBuilder().setName("docs").setDimension(DIM).setMetric(Metric.L2))
                        .build());
                VectorServiceGrpc.VectorServiceBlockingStub vectors = VectorServiceGrpc.newBlockingStub(channel);
                for (long from = 0; from < 6000; from += 500) {
                    upsert(vectors, from, 500, acked);
                }
                delete(vectors, 0, 6000, 10, acked); // every 10th id becomes a tombstone
                upsert(vectors, 0, 700, acked); // a second version of the first 700 (deleted ones come back)

                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger batches = new AtomicInteger();
                AtomicReference<Throwable> writerFailure = new AtomicReference<>();
                Thread writer = Thread.ofPlatform().name("backup-it-writer").start(() -> {
                    try {
                        for (long from = 100_000; !stop.get(); from += 50) {
                            upsert(vectors, from, 50, acked);
                            batches.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        writerFailure.set(t);
                    }
                });
                while (batches.get() < 5 && writer.isAlive()) {
                    Thread.onSpinWait();
                }
                List<String> lines = new ArrayList<>();
                report = BackupRunner.run(BackupOptions.of(source.config(), backup).withProgress(lines::add));
                int duringBackup = batches.get();
                while (batches.get() < duringBackup + 5 && writer.isAlive()) {
                    Thread.onSpinWait(); // the writer keeps going past the end of the backup
                }
                stop.set(true);
                writer.join();
                assertEquals(null, writerFailure.get());
                assertEquals(BackupCluster.CLUSTERS + 1, lines.size());
                assertTrue(lines.getLast().startsWith("backup " + backup + " complete: 1 collections, 12 shards, "),
                        lines.getLast());
                try (var files = Files.walk(source.dir)) {
                    assertEquals(List.of(), files.filter(p -> p.getFileName().toString().equals("snapshots"))
                            .flatMap(BackupRestoreIT::list).toList(), "every node released its snapshots");
                }
            } finally {
                channel.shutdownNow();
            }
        }

        BackupManifest manifest = BackupVerifier.verify(backup);
        assertEquals(report.manifest(), manifest);
        assertEquals(12, manifest.topology().totalClusters());
        assertEquals(1, manifest.collections().size());
        Map<Long, Acked> expected = ackedBeforeSnapshot(acked, manifest);
        assertTrue(expected.size() >= 6000, "rows acknowledged before the snapshot points: " + expected.size());
        assertTrue(manifest.collections().getFirst().shards().stream().allMatch(s -> s.files().size() >= 3),
                "every shard has its manifest, segments and buffer rows");

        // Restore into two nodes that hold every cluster, through the commands of the runbook.
        try (BackupCluster two = BackupCluster.start(dir.resolve("two"), List.of("n-a", "n-b"), 2, """
                  - {clusters: 0-11, replicas: [n-a, n-b]}
                """)) {
            List<String> out = runRunbook(backup, two.config());
            assertTrue(out.getLast().startsWith("restore from " + backup + " complete and verified: 24 shard"
                    + " replicas, " + manifest.totals().records() + " records"), out.getLast());
            assertRowsPresent(two, expected);

            BackupException again = assertThrows(BackupException.class,
                    () -> RestoreRunner.run(RestoreOptions.of(two.config(), backup)));
            assertEquals("collection 'docs' already exists on n-a: restore into a cluster without it (drop it first)",
                    again.getMessage());
        }

        // And into four nodes, RF 2, through the Java API.
        try (BackupCluster four = BackupCluster.start(dir.resolve("four"), List.of("m-1", "m-2", "m-3", "m-4"), 2, """
                  - {clusters: 0-2, replicas: [m-1, m-2]}
                  - {clusters: 3-5, replicas: [m-3, m-4]}
                  - {clusters: 6-8, replicas: [m-2, m-3]}
                  - {clusters: 9-11, replicas: [m-4, m-1]}
                """)) {
            RestoreReport restored = RestoreRunner.run(RestoreOptions.of(four.config(), backup));
            assertEquals(24, restored.shards().size());
            assertEquals(manifest.totals().records(), restored.records());
            for (RestoreReport.ShardResult r : restored.shards()) {
                assertEquals(manifest.shard("docs", r.shard()).records(), r.records(), r.toString());
            }
            assertRowsPresent(four, expected);
        }
    }

    @Test
    void shouldRefuseAnInterruptedBackupAndDetectADamagedOne() throws Exception {
        Path complete = dir.resolve("complete");
        Path interrupted = dir.resolve("interrupted");
        try (BackupCluster source = BackupCluster.start(dir.resolve("source"), List.of("node-1", "node-2", "node-3"),
                2, SOURCE_RANGES)) {
            source.startCoordinator();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1",
                    source.coordinator.grpcAddress().getPort()).usePlaintext().build();
            try {
                CollectionServiceGrpc.newBlockingStub(channel).createCollection(CreateCollectionRequest.newBuilder()
                        .setSpec(CollectionSpec.newBuilder().setName("docs").setDimension(DIM).setMetric(Metric.L2))
                        .build());
                upsert(VectorServiceGrpc.newBlockingStub(channel), 0, 3000, new HashMap<>());
            } finally {
                channel.shutdownNow();
            }
            BackupRunner.run(BackupOptions.of(source.config(), complete));

            BackupException notEmpty = assertThrows(BackupException.class,
                    () -> BackupRunner.run(BackupOptions.of(source.config(), complete)));
            assertEquals("backup target " + complete + " is not empty: back up into a new directory",
                    notEmpty.getMessage());

            // node-2 and node-3 hold clusters 8-11: the backup gets shards 0-7 from node-1, then fails.
            source.node("node-2").kill();
            source.node("node-3").kill();
            BackupException failed = assertThrows(BackupException.class,
                    () -> BackupRunner.run(BackupOptions.of(source.config(), interrupted).withSyncReplicas(false)));
            assertTrue(failed.getMessage().startsWith("backup of docs shard 8 failed on every replica: node-2: "),
                    failed.getMessage());
            assertTrue(failed.getMessage().endsWith("; the backup in " + interrupted + " is incomplete (no"
                    + " BACKUP-COMPLETE) and will not be restored"), failed.getMessage());
        }
        assertTrue(Files.exists(interrupted.resolve("collections/docs/shard-7")), "shards 0-7 were written");
        String incomplete = "backup " + interrupted + " is incomplete: BACKUP-COMPLETE is missing, so the backup was"
                + " interrupted or is still running; it cannot be restored (take a new backup)";
        assertEquals(incomplete, assertThrows(BackupException.class,
                () -> RestoreRunner.run(RestoreOptions.of(dir.resolve("none.yaml"), interrupted))).getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, BackupMain.run(new String[] {"verify", "--from", interrupted.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("verify: " + incomplete + "\n", err.toString(StandardCharsets.UTF_8));

        // A target topology with another total_clusters (checked before any node is called).
        Path eight = Files.createDirectories(dir.resolve("eight"));
        Files.writeString(eight.resolve("topology.yaml"), """
                total_clusters: 8
                replication_factor: 1
                nodes:
                  - {id: x-1, address: "127.0.0.1:1"}
                ranges:
                  - {clusters: 0-7, replicas: [x-1]}
                """);
        Files.writeString(eight.resolve("coordinator.yaml"), "coordinator_id: eight\ntopology:\n  file: topology.yaml\n");
        assertEquals("the backup has 12 clusters, the target topology 8: restore needs the same total_clusters (a"
                + " different node count is fine)", assertThrows(BackupException.class,
                () -> RestoreRunner.run(RestoreOptions.of(eight.resolve("coordinator.yaml"), complete))).getMessage());

        // A flipped byte in a segment file of the complete backup.
        BackupManifest manifest = BackupVerifier.verify(complete);
        BackupManifest.FileEntry segment = manifest.shard("docs", 3).files().stream()
                .filter(f -> f.path().endsWith(".vxs")).findFirst().orElseThrow();
        Path file = complete.resolve(segment.path());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        assertEquals("backup " + complete + " is damaged: " + segment.path() + " has CRC32C "
                        + String.format("%08x", (int) crc.getValue()) + ", the manifest says " + segment.crc32c(),
                assertThrows(BackupException.class, () -> BackupVerifier.verify(complete)).getMessage());

        // A truncated one.
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        assertEquals("backup " + complete + " is damaged: " + segment.path() + " is " + (bytes.length - 8)
                        + " bytes, the manifest says " + segment.size(),
                assertThrows(BackupException.class, () -> BackupVerifier.verify(complete)).getMessage());

        // A manifest edited after the backup completed.
        Path json = complete.resolve(BackupLayout.MANIFEST);
        Files.writeString(json, Files.readString(json).replace("\"records\"", "\"records\" "));
        assertEquals("backup " + complete + " is damaged: backup.json does not match the size and checksum in"
                + " BACKUP-COMPLETE", assertThrows(BackupException.class,
                () -> RestoreRunner.run(RestoreOptions.of(dir.resolve("none.yaml"), complete))).getMessage());
    }

    private static java.util.stream.Stream<Path> list(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.toList().stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The ids whose newest acknowledged write came before their shard's snapshot point, with that state. */
    private static Map<Long, Acked> ackedBeforeSnapshot(Map<Long, Acked> acked, BackupManifest manifest) {
        Map<Long, Acked> out = new HashMap<>();
        acked.forEach((id, a) -> {
            long snapshot = manifest.shard("docs", IdHashing.bucketOf(id, BackupCluster.CLUSTERS)).snapshotMillis();
            if (a.ackMillis() < snapshot) {
                out.put(id, a);
            }
        });
        return out;
    }

    /** Every expected id is on every replica of its shard, live or deleted as acknowledged. */
    private static void assertRowsPresent(BackupCluster cluster, Map<Long, Acked> expected) {
        Map<Integer, List<Long>> byShard = new HashMap<>();
        expected.keySet().forEach(id -> byShard.computeIfAbsent(IdHashing.bucketOf(id, BackupCluster.CLUSTERS),
                s -> new ArrayList<>()).add(id));
        Map<String, List<Integer>> shardsByNode = shardsByNode(cluster);
        for (int i = 0; i < cluster.ids.size(); i++) {
            NodeProcess node = cluster.nodes.get(i);
            ManagedChannel ch = ManagedChannelBuilder.forTarget(node.grpcTarget()).usePlaintext().build();
            try {
                StorageNodeServiceGrpc.StorageNodeServiceBlockingStub stub = StorageNodeServiceGrpc.newBlockingStub(ch);
                for (int shard : shardsByNode.get(cluster.ids.get(i))) {
                    List<Long> ids = byShard.getOrDefault(shard, List.of());
                    for (int from = 0; from < ids.size(); from += 500) {
                        List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
                        List<ShardRecord> records = stub.readRecords(ReadRecordsRequest.newBuilder()
                                .setCollection("docs").setShard(shard).addAllIds(part).build()).getRecordsList();
                        assertEquals(part.size(), records.size(), cluster.ids.get(i) + " shard " + shard);
                        for (ShardRecord r : records) {
                            assertEquals(expected.get(r.getId()).live(), r.getOp() == RecordOp.UPSERT,
                                    "id " + r.getId() + " on " + cluster.ids.get(i));
                        }
                    }
                }
            } finally {
                ch.shutdownNow();
            }
        }
    }

    private static Map<String, List<Integer>> shardsByNode(BackupCluster cluster) {
        try {
            String topology = Files.readString(cluster.dir.resolve("topology.yaml"));
            Map<String, List<Integer>> out = new HashMap<>();
            cluster.ids.forEach(id -> out.put(id, new ArrayList<>()));
            Matcher m = Pattern.compile("clusters: (\\d+)-(\\d+), replicas: \\[([^]]+)]").matcher(topology);
            while (m.find()) {
                for (String node : m.group(3).split(", ")) {
                    for (int c = Integer.parseInt(m.group(1)); c <= Integer.parseInt(m.group(2)); c++) {
                        out.get(node).add(c);
                    }
                }
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs the {@code ./vxdb restore|verify-backup} commands of the restore runbook, in order, with
     * its variables set to this test's backup and new cluster; returns what they printed.
     */
    private static List<String> runRunbook(Path backup, Path newConfig) throws Exception {
        Path runbook = Path.of(System.getProperty("vxdb.project.dir"), "docs/runbooks/restore-from-backup.md");
        List<String> commands = Files.readAllLines(runbook).stream().map(String::strip)
                .filter(l -> l.startsWith("./vxdb restore ") || l.startsWith("./vxdb verify-backup ")).toList();
        assertEquals(2, commands.size(), "the runbook's verify and restore commands: " + commands);
        List<String> printed = new ArrayList<>();
        for (String command : commands) {
            String line = command.replace("\"$BACKUP_DIR\"", backup.toString())
                    .replace("\"$NEW_CONFIG\"", newConfig.toString());
            assertFalse(line.contains("$"), "unknown variable in runbook command: " + command);
            List<String> args = new ArrayList<>(List.of(line.split(" +")));
            args.removeFirst(); // ./vxdb
            args.set(0, args.getFirst().equals("verify-backup") ? "verify" : args.getFirst());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = BackupMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, command + ": " + err.toString(StandardCharsets.UTF_8));
            printed.addAll(out.toString(StandardCharsets.UTF_8).lines().toList());
        }
        return printed;
    }

    private static void upsert(VectorServiceGrpc.VectorServiceBlockingStub vectors, long from, int n,
                               Map<Long, Acked> acked) {
        WriteRequest.Builder batch = WriteRequest.newBuilder().setCollection("docs")
                .setConsistency(WriteConsistency.ALL);
        for (long id = from; id < from + n; id++) {
            Vector.Builder v = Vector.newBuilder().setId(id);
            for (int d = 0; d < DIM; d++) {
                v.addValues((float) Math.sin(id * 0.37 + d));
            }
            batch.addVectors(v);
        }
        WriteResponse r = vectors.upsert(batch.build());
        assertEquals(List.of(), r.getFailuresList());
        long now = System.currentTimeMillis();
        for (long id = from; id < from + n; id++) {
            acked.put(id, new Acked(true, now));
        }
    }

    private static void delete(VectorServiceGrpc.VectorServiceBlockingStub vectors, long from, long to, int every,
                               Map<Long, Acked> acked) {
        DeleteRequest.Builder d = DeleteRequest.newBuilder().setCollection("docs")
                .setConsistency(WriteConsistency.ALL);
        for (long id = from; id < to; id += every) {
            d.addIds(id);
        }
        vectors.delete(d.build());
        long now = System.currentTimeMillis();
        for (long id = from; id < to; id += every) {
            acked.put(id, new Acked(false, now));
        }
    }
}
