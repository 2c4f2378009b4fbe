package org.vxdb.coordinator.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.tls.GrpcTls;
import org.vxdb.service.tls.TlsMaterial;

/**
 * The storage nodes of a cluster as a coordinator config names them: its topology, dialled the way
 * the coordinator dials them (TLS when configured), without circuit-breaker side effects on a
 * running coordinator.
 */
final class ClusterAccess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAccess.class);

    final CoordinatorConfig config;
    final Topology topology;
    final NodeClients clients;
    private final ScheduledExecutorService scheduler;
    private final TlsMaterial tls;

    private ClusterAccess(CoordinatorConfig config, Topology topology, ScheduledExecutorService scheduler,
                          TlsMaterial tls, NodeClients clients) {
        this.config = config;
        this.topology = topology;
        this.scheduler = scheduler;
        this.tls = tls;
        this.clients = clients;
    }

    static ClusterAccess open(Path coordinatorConfig) {
        if (!Files.isRegularFile(coordinatorConfig)) {
            throw new BackupException("coordinator config " + coordinatorConfig + " does not exist");
        }
        CoordinatorConfig config;
        Topology topology;
        try {
            config = CoordinatorConfig.load(coordinatorConfig);
            topology = Topology.load(config.topologyFile());
        } catch (ConfigException e) {
            throw new BackupException("invalid configuration: " + e.getMessage(), e);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vxdb-backup-timers");
            t.setDaemon(true);
            return t;
        });
        TlsMaterial tls = null;
        try {
            tls = config.tls() == null ? null : config.tls().loadMaterial();
            NodeClients clients = new NodeClients(config, topology, scheduler, (n, t) -> { },
                    tls == null ? null : GrpcTls.client(tls));
            return new ClusterAccess(config, topology, scheduler, tls, clients);
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            scheduler.shutdownNow();
            throw e;
        }
    }

    NodeClient client(String nodeId) {
        return clients.view().client(topology.node(nodeId).orElseThrow());
    }

    /** The collections, as the first node that answers lists them. */
    List<CollectionInfo> collections() {
        StringBuilder errors = new StringBuilder();
        for (NodeClient node : clients.view().all()) {
            try {
                return node.internalBlockingCollections().listCollections(ListCollectionsRequest.getDefaultInstance())
                        .getCollectionsList();
            } catch (RuntimeException e) {
                LOG.debug("{} cannot list collections: {}", node.id(), CallFailures.describe(e));
                errors.append(errors.isEmpty() ? "" : "; ").append(node.id()).append(": ")
                        .append(CallFailures.describe(e));
            }
        }
        throw new BackupException("no storage node can list the collections (" + errors + ")");
    }

    @Override
    public void close() {
        clients.close();
        if (tls != null) {
            tls.close();
        }
        scheduler.shutdownNow();
    }
}
