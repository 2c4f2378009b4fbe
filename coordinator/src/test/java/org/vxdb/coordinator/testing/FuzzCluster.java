package org.vxdb.coordinator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.node.StorageNode;
import org.vxdb.node.config.NodeConfig;

/**
 * The cluster the fuzz tests of the protocol adapters run their decoded requests against: one real
 * storage node (no fsync, so a fuzzer's writes stay cheap) and a coordinator core, in this JVM,
 * started once per test run (on first use) and shared by every fuzz test that registers this extension. It holds
 * two collections the seed corpora name: {@value #VECTORS} (dimension 3, L2, a few rows with
 * metadata) and {@value #VECTOR_SET} (dimension 3, COSINE, as a vector set's first VADD makes it).
 * The fuzzer may create, fill and drop others; they live in a temporary directory deleted at the end.
 */
public final class FuzzCluster implements BeforeAllCallback {

    public static final String VECTORS = "fz";
    public static final String VECTOR_SET = "vs";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FuzzCluster.class);

    private ExtensionContext.Store store;

    @Override
    public void beforeAll(ExtensionContext context) {
        store = context.getRoot().getStore(NAMESPACE);
    }

    /**
     * The core, the cluster started on first use: in a fuzzing run the first input pays for it,
     * after Jazzer has installed its instrumentation (which is slow for classes already loaded).
     */
    public CoordinatorCore core() {
        if (store == null) {
            throw new IllegalStateException("register FuzzCluster with @RegisterExtension on a static field");
        }
        return store.getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class).coordinator.core();
    }

    /** A context for one core call: anonymous caller, a deadline long enough that only a hang reaches it. */
    public static CallContext context() {
        return CallContext.of(Caller.anonymous("127.0.0.1:1", "fuzz"), null, Duration.ofSeconds(30));
    }

    /** The node, the coordinator and their directory; closed by JUnit when the test run ends. */
    private static final class Running implements AutoCloseable {
        private final Path dir;
        private final StorageNode node;
        private final Coordinator coordinator;

        private Running(Path dir, StorageNode node, Coordinator coordinator) {
            this.dir = dir;
            this.node = node;
            this.coordinator = coordinator;
        }

        static Running start() {
            Path dir;
            StorageNode node = null;
            try {
                dir = Files.createTempDirectory("vxdb-fuzz-");
                Files.createDirectories(dir.resolve("node"));
                node = StorageNode.start(NodeConfig.parse("""
                        node_id: node-1
                        grpc:
                          listen: 127.0.0.1:0
                        http:
                          listen: 127.0.0.1:0
                        storage:
                          data_dirs: [data]
                        collection_defaults:
                          fsync: none
                        """, dir.resolve("node")));
                Files.writeString(dir.resolve("topology.yaml"), """
                        total_clusters: 2
                        replication_factor: 1
                        nodes:
                          - {id: node-1, address: "127.0.0.1:%d"}
                        ranges:
                          - {clusters: 0-1, replicas: [node-1]}
                        """.formatted(node.grpcAddress().getPort()));
                Files.writeString(dir.resolve("coordinator.yaml"), """
                        coordinator_id: coord-fuzz
                        grpc:
                          listen: 127.0.0.1:0
                        http:
                          listen: 127.0.0.1:0
                        rest:
                          listen: "off"
                        resp:
                          listen: "off"
                        topology:
                          file: topology.yaml
                          reload_interval: 0s
                        """);
                Coordinator coordinator = Coordinator.start(CoordinatorConfig.load(dir.resolve("coordinator.yaml")));
                Running running = new Running(dir, node, coordinator);
                running.seed();
                return running;
            } catch (IOException e) {
                if (node != null) {
                    node.close();
                }
                throw new UncheckedIOException(e);
            }
        }

        private void seed() {
            CoordinatorCore core = coordinator.core();
            join(core.createCollection(context(), CollectionSpec.newBuilder().setName(VECTORS).setDimension(3)
                    .setMetric(Metric.L2).build()));
            join(core.createCollection(context(), CollectionSpec.newBuilder().setName(VECTOR_SET).setDimension(3)
                    .setMetric(Metric.COSINE).build()));
            WriteRequest.Builder rows = WriteRequest.newBuilder().setCollection(VECTORS);
            for (int i = 1; i <= 4; i++) {
                rows.addVectors(Vector.newBuilder().setId(i).addValues(i).addValues(0).addValues(-i)
                        .putMetadata("year", Value.newBuilder().setIntValue(1990 + i).build())
                        .putMetadata("genre", Value.newBuilder().setStringValue(i % 2 == 0 ? "drama" : "comedy")
                                .build())
                        .putMetadata("rating", Value.newBuilder().setDoubleValue(i * 1.5).build())
                        .putMetadata("new", Value.newBuilder().setBoolValue(i > 2).build()));
            }
            join(core.upsert(context(), rows.build()));
        }

        private static <T> T join(CompletableFuture<T> call) {
            try {
                return call.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("seeding the fuzz cluster failed", e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                coordinator.close();
            } finally {
                node.close();
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
