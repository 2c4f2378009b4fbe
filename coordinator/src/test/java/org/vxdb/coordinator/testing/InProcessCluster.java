package org.vxdb.coordinator.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.vxdb.coordinator.Coordinator;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.node.StorageNode;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.tls.DevCerts;
import org.vxdb.service.tracing.Tracing;

/**
 * Two real storage nodes and a coordinator in this JVM, over loopback sockets, with every listener
 * (gRPC, REST + WebSocket, RESP) on a free port: 4 clusters, replication factor 2. For tests of the
 * core API and the protocol adapters; {@code ClusterIT} runs nodes as processes.
 *
 * <p>{@link #startSecured} runs it with TLS: certificates from {@code ops/security/dev-certs.sh} in
 * {@code dir/certs}, nodes that take only clients of that CA (mutual TLS), and a coordinator that
 * serves TLS on every listener and dials the nodes with its own certificate.
 */
public final class InProcessCluster implements AutoCloseable {

    public static final int CLUSTERS = 4;

    /**
     * Writes wait for both replicas unless the extra YAML has its own {@code write:} section: at
     * RF 2 the default QUORUM acknowledges after one replica while reads go to the primary, so a
     * read right after a write could miss it (the cluster-consistency issue), and tests that read
     * their own writes would be flaky.
     */
    public static final String READ_YOUR_WRITES = "write:\n  consistency: all\n";

    private final List<StorageNode> nodes = new ArrayList<>();
    private final Coordinator coordinator;
    private final ManagedChannel channel;
    private final DevCerts certs;

    private InProcessCluster(Path dir, String coordinatorExtraYaml, DevCerts certs) throws IOException {
        this(dir, coordinatorExtraYaml, certs, null, "");
    }

    /** @param tracingOf each server's tracing by its id (node-1, node-2, coord-test); null: each its config's */
    private InProcessCluster(Path dir, String coordinatorExtraYaml, DevCerts certs,
                             Function<String, Tracing> tracingOf, String nodeStorageYaml) throws IOException {
        this.certs = certs;
        for (int i = 1; i <= 2; i++) {
            Path nodeDir = dir.resolve("node-" + i);
            Files.createDirectories(nodeDir);
            NodeConfig nodeConfig = NodeConfig.parse("""
                    node_id: node-%d
                    grpc:
                      listen: 127.0.0.1:0
                    http:
                      listen: 127.0.0.1:0
                    storage:
                      data_dirs: [data]
                    """.formatted(i) + nodeStorageYaml + (certs == null ? "" : certs.yaml("node-" + i)), nodeDir);
            nodes.add(tracingOf == null ? StorageNode.start(nodeConfig)
                    : StorageNode.start(nodeConfig, tracingOf.apply("node-" + i)));
        }
        Files.writeString(dir.resolve("topology.yaml"), """
                total_clusters: %d
                replication_factor: 2
                nodes:
                  - {id: node-1, address: "127.0.0.1:%d"}
                  - {id: node-2, address: "127.0.0.1:%d"}
                ranges:
                  - {clusters: 0-1, replicas: [node-1, node-2]}
                  - {clusters: 2-3, replicas: [node-2, node-1]}
                """.formatted(CLUSTERS, nodes.get(0).grpcAddress().getPort(), nodes.get(1).grpcAddress().getPort()));
        Files.writeString(dir.resolve("coordinator.yaml"), """
                coordinator_id: coord-test
                grpc:
                  listen: 127.0.0.1:0
                http:
                  listen: 127.0.0.1:0
                rest:
                  listen: 127.0.0.1:0
                resp:
                  listen: 127.0.0.1:0
                topology:
                  file: topology.yaml
                  reload_interval: 0s
                nodes:
                  call_timeout: 10s
                """ + (coordinatorExtraYaml.lines().anyMatch(l -> l.startsWith("write:")) ? ""
                : READ_YOUR_WRITES) + (certs == null || coordinatorExtraYaml.lines().anyMatch(l -> l.startsWith("tls:"))
                ? "" : certs.yaml("coordinator")) + coordinatorExtraYaml);
        coordinator = Coordinator.start(CoordinatorConfig.load(dir.resolve("coordinator.yaml")),
                tracingOf == null ? null : tracingOf.apply("coord-test"));
        int port = coordinator.grpcAddress().getPort();
        channel = certs == null ? ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build()
                : NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(GrpcSslContexts.forClient()
                        .trustManager(certs.ca().toFile())
                        .keyManager(certs.cert("client").toFile(), certs.key("client").toFile()).build()).build();
    }

    public static InProcessCluster start(Path dir) throws IOException {
        return new InProcessCluster(dir, "", null);
    }

    /** With more top-level YAML for the coordinator (e.g. a {@code connections:} section). */
    public static InProcessCluster start(Path dir, String coordinatorExtraYaml) throws IOException {
        return new InProcessCluster(dir, coordinatorExtraYaml, null);
    }

    /**
     * With each server's tracing given by {@code tracingOf} (called with node-1, node-2 and
     * coord-test), e.g. recording spans in memory; the caller closes those after the cluster.
     */
    public static InProcessCluster startTraced(Path dir, Function<String, Tracing> tracingOf) throws IOException {
        return new InProcessCluster(dir, "", null, tracingOf, "");
    }

    /** With more fields of the nodes' {@code storage:} section, each line indented by two spaces. */
    public static InProcessCluster startWithNodeStorage(Path dir, String nodeStorageYaml) throws IOException {
        return new InProcessCluster(dir, "", null, null, nodeStorageYaml);
    }

    /**
     * Secured: a CA and certificates for node-1, node-2, coordinator and client are made in
     * {@code dir/certs}; every node and the coordinator get a {@code tls:} section, unless
     * {@code coordinatorExtraYaml} has its own (e.g. {@code certs.yaml("coordinator", "client_auth: require")}
     * with certificates made beforehand by {@link DevCerts#make} in {@code dir/certs}).
     */
    public static InProcessCluster startSecured(Path dir, String coordinatorExtraYaml) throws IOException {
        Path certDir = dir.resolve("certs");
        DevCerts certs = Files.exists(certDir.resolve("ca.pem")) ? new DevCerts(certDir)
                : DevCerts.make(certDir, "node-1", "node-2", "coordinator", "client");
        return new InProcessCluster(dir, coordinatorExtraYaml, certs);
    }

    /** The certificates of a secured cluster ({@code ca.pem}, {@code NAME.pem}, {@code NAME.key}); null when plaintext. */
    public DevCerts certs() {
        return certs;
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    public CoordinatorCore core() {
        return coordinator.core();
    }

    /** A channel to the coordinator's gRPC port: plaintext, or TLS trusting the CA with the client certificate. */
    public ManagedChannel channel() {
        return channel;
    }

    public int restPort() {
        return coordinator.restAddress().getPort();
    }

    public int respPort() {
        return coordinator.respAddress().getPort();
    }

    public List<StorageNode> nodes() {
        return nodes;
    }

    /** A context for direct core calls in tests: anonymous, 30 s deadline. */
    public static CallContext context() {
        return CallContext.of(Caller.anonymous("127.0.0.1:1", "test"), null, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        coordinator.close();
        for (StorageNode n : nodes) {
            n.close();
        }
    }
}
