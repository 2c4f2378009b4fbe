package org.vxdb.coordinator.backup;

import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.vxdb.api.internal.v1.BucketDigest;
import org.vxdb.api.internal.v1.RestoreShardResponse;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.topology.Topology;

/**
 * Rebuilds collections from a backup into a cluster whose topology may have another node count
 * and other data dirs (but the backup's {@code total_clusters}), then verifies them.
 *
 * <p>Each shard's rows are replayed, with their versions, into every replica the new topology
 * gives the shard ({@code RestoreShard}: the node reads the segment files and the buffer rows file
 * and writes the rows through its normal write path). Placing the files themselves would tie a
 * restore to the old layout of shards on disks and to the old manifests; replaying rows lets each
 * node lay them out (and build its index) as it would for any write. Verification: every restored
 * shard's digest on every replica must equal the backup's digest bucket for bucket (count and hash
 * of (id, version, deleted)), which is the "every row present" check.
 */
public final class RestoreRunner {

    private RestoreRunner() {
    }

    /** Restores and verifies; throws {@link BackupException} with a one-line reason when it cannot. */
    public static RestoreReport run(RestoreOptions options) {
        long started = System.nanoTime();
        Path source = options.source().toAbsolutePath();
        BackupManifest manifest = BackupVerifier.verify(source);
        options.progress().accept("backup " + source + " verified: " + manifest.totals().files() + " files, "
                + BackupFiles.megabytes(manifest.totals().bytes()) + ", " + manifest.totals().records() + " records");
        try (ClusterAccess cluster = ClusterAccess.open(options.coordinatorConfig())) {
            Topology topology = cluster.topology;
            int backupClusters = manifest.topology().totalClusters();
            if (topology.totalClusters() != backupClusters) {
                throw new BackupException("the backup has " + backupClusters + " clusters, the target topology "
                        + topology.totalClusters() + ": restore needs the same total_clusters (a different node"
                        + " count is fine)");
            }
            List<BackupManifest.CollectionEntry> chosen = choose(manifest, options.collections());
            refuseExisting(cluster, chosen);
            List<RestoreReport.ShardResult> results = new ArrayList<>();
            long rows = 0;
            long bytes = 0;
            long records = 0;
            for (BackupManifest.CollectionEntry c : chosen) {
                create(cluster, source, c);
                for (BackupManifest.ShardEntry s : c.shards()) {
                    List<Path> files = rowFiles(source, s);
                    bytes += s.files().stream().mapToLong(BackupManifest.FileEntry::size).sum();
                    records += s.records();
                    for (RestoreReport.ShardResult result : restoreShard(cluster, options, manifest, c, s, files)) {
                        rows += result.rowsApplied();
                        results.add(result);
                        options.progress().accept(result.toString());
                    }
                }
            }
            RestoreReport report = new RestoreReport(source, results, records, rows, bytes,
                    Duration.ofNanos(System.nanoTime() - started));
            options.progress().accept(report.toString());
            return report;
        } catch (IOException e) {
            throw new BackupException("restore from " + source + " failed: " + e.getMessage(), e);
        }
    }

    /** Uploads one shard to every replica of the new topology at once (one stream per node), then verifies each. */
    private static List<RestoreReport.ShardResult> restoreShard(ClusterAccess cluster, RestoreOptions options,
                                                                BackupManifest manifest, BackupManifest.CollectionEntry c,
                                                                BackupManifest.ShardEntry s, List<Path> files) {
        List<NodeClient> replicas = cluster.topology.replicas(s.shard()).stream()
                .map(r -> cluster.clients.view().client(r)).toList();
        List<CompletableFuture<RestoreReport.ShardResult>> uploads = new ArrayList<>();
        try (ExecutorService streams = Executors.newVirtualThreadPerTaskExecutor()) {
            for (NodeClient node : replicas) {
                uploads.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        RestoreShardResponse r = ShardUpload.upload(node, c.name(), s.shard(), files,
                                options.chunkBytes(), options.streamTimeout());
                        long verified = verifyDigest(node, c.name(), s, manifest.digestBuckets());
                        return new RestoreReport.ShardResult(c.name(), s.shard(), node.id(), r.getRowsApplied(),
                                verified);
                    } catch (IOException e) {
                        throw new BackupException("restore of " + c.name() + " shard " + s.shard() + " to "
                                + node.id() + " failed: " + e.getMessage(), e);
                    }
                }, streams));
            }
        }
        List<RestoreReport.ShardResult> results = new ArrayList<>();
        for (CompletableFuture<RestoreReport.ShardResult> upload : uploads) {
            try {
                results.add(upload.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof BackupException b) {
                    throw b;
                }
                throw new BackupException("restore of " + c.name() + " shard " + s.shard() + " failed: "
                        + CallFailures.describe(e.getCause()), e.getCause());
            }
        }
        return results;
    }

    private static List<BackupManifest.CollectionEntry> choose(BackupManifest manifest, List<String> wanted) {
        if (wanted.isEmpty()) {
            return manifest.collections();
        }
        List<BackupManifest.CollectionEntry> out = new ArrayList<>();
        for (String w : wanted) {
            out.add(manifest.collections().stream().filter(c -> c.name().equals(w)).findFirst()
                    .orElseThrow(() -> new BackupException("collection '" + w + "' is not in the backup (it has: "
                            + String.join(", ", manifest.collections().stream()
                            .map(BackupManifest.CollectionEntry::name).toList()) + ")")));
        }
        return out;
    }

    /** A restore writes into empty collections only: merging into live data could not be verified. */
    private static void refuseExisting(ClusterAccess cluster, List<BackupManifest.CollectionEntry> chosen) {
        for (NodeClient node : cluster.clients.view().all()) {
            List<CollectionInfo> present;
            try {
                present = node.internalBlockingCollections().listCollections(ListCollectionsRequest
                        .getDefaultInstance()).getCollectionsList();
            } catch (RuntimeException e) {
                throw new BackupException("restore needs every node of the target cluster: " + node.id()
                        + " cannot list its collections: " + CallFailures.describe(e), e);
            }
            for (BackupManifest.CollectionEntry c : chosen) {
                if (present.stream().anyMatch(i -> i.getSpec().getName().equals(c.name()))) {
                    throw new BackupException("collection '" + c.name() + "' already exists on " + node.id()
                            + ": restore into a cluster without it (drop it first)");
                }
            }
        }
    }

    private static void create(ClusterAccess cluster, Path source, BackupManifest.CollectionEntry c)
            throws IOException {
        CollectionSpec.Builder spec = CollectionSpec.newBuilder();
        JsonFormat.parser().merge(Files.readString(source.resolve(c.spec().path()), StandardCharsets.UTF_8), spec);
        spec.setShardCount(cluster.topology.totalClusters());
        CreateCollectionRequest request = CreateCollectionRequest.newBuilder().setSpec(spec).build();
        for (NodeClient node : cluster.clients.view().all()) {
            try {
                node.internalBlockingCollections().createCollection(request);
            } catch (RuntimeException e) {
                throw new BackupException("cannot create collection '" + c.name() + "' on " + node.id() + ": "
                        + CallFailures.describe(e), e);
            }
        }
    }

    /** The files whose rows a node replays: the segments and the buffer rows file. */
    private static List<Path> rowFiles(Path source, BackupManifest.ShardEntry s) {
        return s.files().stream().map(BackupManifest.FileEntry::path)
                .filter(p -> p.endsWith(".vxs") || p.endsWith("/buffer-rows.vxt"))
                .map(source::resolve).toList();
    }

    /** Compares the restored shard's digest with the backup's; returns its record count. */
    private static long verifyDigest(NodeClient node, String collection, BackupManifest.ShardEntry s, int buckets) {
        List<BucketDigest> digest = node.internalBlocking(node.callTimeout()).shardDigest(ShardDigestRequest
                .newBuilder().setCollection(collection).setShard(s.shard()).setBuckets(buckets).build())
                .getBucketsList();
        int differing = 0;
        long records = 0;
        for (BucketDigest d : digest) {
            records += d.getRecords();
            BackupManifest.DigestEntry expected = s.digest().get(d.getBucket());
            if (expected.records() != d.getRecords() || !expected.hash().equals(BackupLayout.hex64(d.getHash()))) {
                differing++;
            }
        }
        if (differing > 0 || digest.size() != s.digest().size()) {
            throw new BackupException("restore verification failed: " + collection + " shard " + s.shard() + " on "
                    + node.id() + ": " + differing + " of " + buckets + " digest buckets differ from the backup ("
                    + records + " records, the backup has " + s.records() + ")");
        }
        return records;
    }
}
