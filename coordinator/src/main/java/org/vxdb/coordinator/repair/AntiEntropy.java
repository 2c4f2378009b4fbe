package org.vxdb.coordinator.repair;

import com.google.common.util.concurrent.RateLimiter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.RepairSettings;
import org.vxdb.coordinator.topology.NodeInfo;

/**
 * The background anti-entropy pass ({@code repair.interval}): every shard of every collection has
 * its replicas' digests compared and the differing buckets streamed between them
 * ({@link Repairer}), at most {@code repair.rows_per_second} records a second, so that replicas
 * converge without anyone running {@code ./vxdb repair} (after a lost hint, a crash between the
 * level's acknowledgement and the other replicas' writes, or an outage longer than the hints kept).
 * A shard with a replica that is down or not ready is skipped this pass. Several coordinators may
 * each run it: repairs are idempotent (records carry versions).
 */
public final class AntiEntropy {

    private static final Logger LOG = LoggerFactory.getLogger(AntiEntropy.class);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final NodeClients clients;
    private final CoordinatorMetrics metrics;
    private final Repairer repairer;

    /** What one pass did. */
    public record Pass(long checked, long skipped, long differing, long rowsRepaired, long failed) {
    }

    public AntiEntropy(NodeClients clients, RepairSettings settings, int batchRows, CoordinatorMetrics metrics) {
        this.clients = clients;
        this.metrics = metrics;
        RateLimiter rate = RateLimiter.create(settings.rowsPerSecond());
        this.repairer = new Repairer(clients, settings.buckets(), batchRows, rate::acquire);
    }

    /** One pass over every shard of every collection; never throws (the timer must keep running). */
    public Pass runPass() {
        long started = System.nanoTime();
        long checked = 0;
        long skipped = 0;
        long differing = 0;
        long rows = 0;
        long failed = 0;
        try {
            Map<String, Boolean> ready = readiness();
            NodeClients.View view = clients.view();
            for (String collection : repairer.collections()) {
                for (int cluster = 0; cluster < view.topology().totalClusters(); cluster++) {
                    List<NodeInfo> replicas = view.topology().replicas(cluster);
                    if (!replicas.stream().allMatch(n -> ready.getOrDefault(n.id(), false))) {
                        skipped++;
                        continue;
                    }
                    Repairer.ClusterReport r = repairer.repair(collection, cluster);
                    checked++;
                    if (r.error() != null) {
                        failed++;
                        LOG.info("anti-entropy: {}", r);
                        continue;
                    }
                    if (r.differingBuckets() > 0) {
                        differing++;
                        rows += r.recordsSent();
                        LOG.info("anti-entropy: {}", r);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("anti-entropy pass ended early: {}", e.toString());
        }
        long nanos = System.nanoTime() - started;
        metrics.antiEntropyPass(checked, skipped, differing, rows, nanos);
        return new Pass(checked, skipped, differing, rows, failed);
    }

    /**
     * Which nodes answer their status call, ready. Not their breakers: repair calls go around them,
     * and a breaker left open by an outage with no traffic since would otherwise skip the node forever.
     */
    private Map<String, Boolean> readiness() {
        Map<String, Boolean> out = new HashMap<>();
        for (NodeClient node : clients.view().all()) {
            boolean up;
            try {
                up = node.observe(c -> c.internal(STATUS_TIMEOUT)
                        .nodeStatus(NodeStatusRequest.getDefaultInstance())).join().getReady();
            } catch (CompletionException e) {
                up = false;
            }
            out.put(node.id(), up);
        }
        return out;
    }
}
