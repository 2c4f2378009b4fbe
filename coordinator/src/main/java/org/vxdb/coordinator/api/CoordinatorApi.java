package org.vxdb.coordinator.api;

import io.grpc.BindableService;
import java.time.Duration;
import java.util.List;
import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.client.NodeClients;
import org.vxdb.coordinator.config.Consistency;
import org.vxdb.coordinator.routing.HybridLogicalClock;
import org.vxdb.coordinator.search.ScatterGather;
import org.vxdb.coordinator.write.Replicator;

/** The coordinator's public gRPC services (vxdb.v1), sharing one collection catalog. */
public final class CoordinatorApi {

    private CoordinatorApi() {
    }

    public static List<BindableService> services(NodeClients clients, HybridLogicalClock clock, CoordinatorMetrics metrics,
                                                 Consistency consistency, int maxBatchRows, Duration defaultDeadline) {
        CollectionCatalog catalog = new CollectionCatalog(clients);
        return List.of(
                new CoordinatorVectorService(clients, catalog, new Replicator(clients, metrics),
                        new ScatterGather(clients, metrics), clock, metrics, consistency, maxBatchRows, defaultDeadline),
                new CoordinatorCollectionService(clients, catalog));
    }
}
