package org.vxdb.coordinator.backup;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.BucketDigest;
import org.vxdb.api.internal.v1.SnapshotHeader;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.repair.Repairer;
import org.vxdb.coordinator.topology.ClusterRange;
import org.vxdb.coordinator.topology.NodeInfo;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.io.AtomicFiles;
import org.vxdb.service.io.FileTrees;

/**
 * Online backup of a running cluster: for every cluster of every collection, one replica snapshots
 * its shard (primary first, the next replica if it fails) and streams the files into the backup
 * directory. Writes go on meanwhile; each shard is consistent at its own snapshot point. The
 * manifest is written after every file, and the completion marker last, so a backup without the
 * marker is known to be incomplete.
 */
public final class BackupRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BackupRunner.class);

    private BackupRunner() {
    }

    /** Takes a backup; throws {@link BackupException} with a one-line reason when it cannot. */
    public static BackupReport run(BackupOptions options) {
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        Path target = options.target().toAbsolutePath();
        try (ClusterAccess cluster = ClusterAccess.open(options.coordinatorConfig())) {
            try {
                prepareTarget(target);
            } catch (IOException e) {
                throw new BackupException("cannot create backup directory " + target + ": " + e.getMessage(), e);
            }
            try {
                BackupManifest manifest = backup(cluster, options, target, startedAt);
                byte[] json = BackupManifest.JSON.writeValueAsBytes(manifest);
                AtomicFiles.writeAtomically(target.resolve(BackupLayout.MANIFEST), json);
                AtomicFiles.writeAtomically(target.resolve(BackupLayout.COMPLETE_MARKER), marker(json));
                BackupReport report = new BackupReport(target, manifest, Duration.ofNanos(System.nanoTime() - started));
                options.progress().accept(report.toString());
                return report;
            } catch (IOException e) {
                throw new BackupException("backup to " + target + " failed: " + e.getMessage() + "; the backup in "
                        + target + " is incomplete (no " + BackupLayout.COMPLETE_MARKER + ") and will not be restored",
                        e);
            } catch (BackupException e) {
                throw new BackupException(e.getMessage() + "; the backup in " + target + " is incomplete (no "
                        + BackupLayout.COMPLETE_MARKER + ") and will not be restored", e);
            }
        }
    }

    /** The content of the completion marker: the manifest's size and CRC32C. */
    static byte[] marker(byte[] manifestJson) {
        CRC32C crc = new CRC32C();
        crc.update(manifestJson);
        return (BackupLayout.MARKER_MAGIC + "\nmanifest-bytes " + manifestJson.length + "\nmanifest-crc32c "
                + BackupLayout.hex32((int) crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void prepareTarget(Path target) throws IOException {
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new BackupException("backup target " + target + " exists and is not a directory");
            }
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new BackupException("backup target " + target + " is not empty: back up into a new"
                            + " directory");
                }
            }
        }
        Files.createDirectories(target);
    }

    private static BackupManifest backup(ClusterAccess cluster, BackupOptions options, Path target,
                                         Instant startedAt) throws IOException {
        Topology topology = cluster.topology;
        int buckets = options.digestBuckets() == 0 ? cluster.config.repairBuckets() : options.digestBuckets();
        List<CollectionInfo> all = cluster.collections();
        List<String> names = chooseCollections(all, options.collections());
        Repairer repairer = new Repairer(cluster.clients, buckets, cluster.config.maxBatchRows());
        List<BackupManifest.CollectionEntry> entries = new ArrayList<>();
        for (String name : names) {
            BackupManifest.FileEntry spec = null;
            List<BackupManifest.ShardEntry> shards = new ArrayList<>();
            for (int c = 0; c < topology.totalClusters(); c++) {
                if (options.syncReplicas() && topology.replicationFactor() > 1) {
                    Repairer.ClusterReport sync = repairer.repair(name, c);
                    if (sync.error() != null) {
                        options.progress().accept("warning: " + name + " cluster " + c + ": replicas not synced"
                                + " before the snapshot (" + sync.error() + "); writes acknowledged by an"
                                + " unreachable replica alone may be missing");
                    }
                }
                ShardDownload.Received received = snapshot(cluster, options, target, name, c, buckets);
                if (spec == null) {
                    spec = writeSpec(target, name, received.header().getSpec());
                }
                BackupManifest.ShardEntry shard = shardEntry(c, received);
                shards.add(shard);
                long bytes = shard.files().stream().mapToLong(BackupManifest.FileEntry::size).sum();
                options.progress().accept(String.format("%s shard %d from %s: %d files, %s, %d records (%d in the"
                                + " buffer)", name, c, shard.node(), shard.files().size(), BackupFiles.megabytes(bytes),
                        shard.records(), shard.tailRows()));
            }
            entries.add(new BackupManifest.CollectionEntry(name, spec, shards));
        }
        AtomicFiles.fsyncDirectory(target);
        return new BackupManifest(BackupManifest.FORMAT, UUID.randomUUID().toString(), startedAt.toString(),
                Instant.now().toString(), buckets, topologyInfo(topology), entries, totals(entries));
    }

    private static List<String> chooseCollections(List<CollectionInfo> all, List<String> wanted) {
        List<String> existing = all.stream().map(i -> i.getSpec().getName()).sorted().toList();
        if (wanted.isEmpty()) {
            return existing;
        }
        for (String w : wanted) {
            if (!existing.contains(w)) {
                throw new BackupException("collection '" + w + "' does not exist in the cluster (it has: "
                        + (existing.isEmpty() ? "none" : String.join(", ", existing)) + ")");
            }
        }
        return List.copyOf(wanted);
    }

    /** One replica's snapshot of the shard: the primary first, then the others in topology order. */
    private static ShardDownload.Received snapshot(ClusterAccess cluster, BackupOptions options, Path target,
                                                   String collection, int shard, int buckets) throws IOException {
        List<String> failures = new ArrayList<>();
        for (NodeInfo replica : cluster.topology.replicas(shard)) {
            NodeClient node = cluster.clients.view().client(replica);
            node.reconnectNow();
            try {
                return ShardDownload.download(node, collection, shard, buckets, options.chunkBytes(),
                        options.streamTimeout(), target);
            } catch (ShardDownload.TransferException e) {
                LOG.warn("backup: {} shard {}: {}; trying the next replica", collection, shard, e.getMessage());
                failures.add(e.getMessage());
                FileTrees.deleteTree(target.resolve(BackupLayout.shardDir(collection, shard)));
            }
        }
        throw new BackupException("backup of " + collection + " shard " + shard + " failed on every replica: "
                + String.join("; ", failures));
    }

    private static BackupManifest.FileEntry writeSpec(Path target, String collection, CollectionSpec spec)
            throws IOException {
        String relative = BackupLayout.specFile(collection);
        byte[] json;
        try {
            json = (JsonFormat.printer().print(spec) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(new IOException("cannot print the spec of " + collection, e));
        }
        Path file = target.resolve(relative);
        Files.createDirectories(file.getParent());
        AtomicFiles.writeAtomically(file, json);
        CRC32C crc = new CRC32C();
        crc.update(json);
        return new BackupManifest.FileEntry(relative, json.length, BackupLayout.hex32((int) crc.getValue()));
    }

    private static BackupManifest.ShardEntry shardEntry(int shard, ShardDownload.Received received) {
        SnapshotHeader h = received.header();
        List<BackupManifest.DigestEntry> digest = new ArrayList<>(h.getDigestCount());
        for (BucketDigest d : h.getDigestList()) {
            digest.add(new BackupManifest.DigestEntry(d.getBucket(), d.getRecords(), BackupLayout.hex64(d.getHash())));
        }
        String node = received.nodeId();
        return new BackupManifest.ShardEntry(shard, node, h.getSnapshotId(), h.getSnapshotMillis(), h.getMaxVersion(),
                h.getRecords(), h.getLiveVectors(), h.getTailRows(), digest, received.files());
    }

    static BackupManifest.TopologyInfo topologyInfo(Topology topology) {
        List<BackupManifest.NodeEntry> nodes = topology.nodes().stream()
                .map(n -> new BackupManifest.NodeEntry(n.id(), n.address().toString())).toList();
        List<BackupManifest.RangeEntry> ranges = new ArrayList<>();
        for (ClusterRange r : topology.ranges()) {
            ranges.add(new BackupManifest.RangeEntry(r.span(), r.replicas().stream().map(NodeInfo::id).toList()));
        }
        return new BackupManifest.TopologyInfo(topology.totalClusters(), topology.replicationFactor(), nodes, ranges);
    }

    private static BackupManifest.Totals totals(List<BackupManifest.CollectionEntry> collections) {
        long files = 0;
        long bytes = 0;
        long records = 0;
        long live = 0;
        long tail = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (BackupManifest.CollectionEntry c : collections) {
            files += 1;
            bytes += c.spec().size();
            for (BackupManifest.ShardEntry s : c.shards()) {
                files += s.files().size();
                bytes += s.files().stream().mapToLong(BackupManifest.FileEntry::size).sum();
                records += s.records();
                live += s.liveVectors();
                tail += s.tailRows();
                first = Math.min(first, s.snapshotMillis());
                last = Math.max(last, s.snapshotMillis());
            }
        }
        return new BackupManifest.Totals(files, bytes, records, live, tail, first == Long.MAX_VALUE ? 0 : first, last);
    }
}
