package org.vxdb.coordinator.topology;

import java.util.Objects;
import org.vxdb.service.config.HostAndPort;

/**
 * A storage node of the topology.
 *
 * @param id      its {@code node_id}, unique in the topology
 * @param address where its gRPC server listens
 */
public record NodeInfo(String id, HostAndPort address) {

    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }
}
