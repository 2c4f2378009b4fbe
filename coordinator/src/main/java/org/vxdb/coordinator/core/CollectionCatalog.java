package org.vxdb.coordinator.core;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;

/**
 * Collection specs as the nodes know them, cached for a short while so that validating a write
 * (dimension) does not cost a round trip. The cache is only a shortcut: nodes check everything
 * again, and a collection dropped through another coordinator answers NOT_FOUND from the nodes.
 */
final class CollectionCatalog {

    private static final long TTL_NANOS = Duration.ofSeconds(10).toNanos();

    private record Entry(CollectionSpec spec, long loadedAt) {
    }

    private final NodeClients clients;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    CollectionCatalog(NodeClients clients) {
        this.clients = clients;
    }

    /** The spec of {@code name}: NOT_FOUND when the nodes do not have it, UNAVAILABLE when none answers. */
    CollectionSpec spec(String name) {
        CollectionSpec cached = cached(name);
        if (cached != null) {
            return cached;
        }
        CollectionSpec spec = load(name);
        cache.put(name, new Entry(spec, System.nanoTime()));
        return spec;
    }

    /** The spec of {@code name} while its cache entry is fresh, else null. Never blocks. */
    CollectionSpec cached(String name) {
        Entry e = cache.get(name);
        return e != null && System.nanoTime() - e.loadedAt() < TTL_NANOS ? e.spec() : null;
    }

    void forget(String name) {
        cache.remove(name);
    }

    private CollectionSpec load(String name) {
        List<String> errors = new ArrayList<>();
        for (NodeClient node : clients.view().all()) {
            if (!node.isAvailable()) {
                errors.add(node.id() + " circuit breaker open");
                continue;
            }
            try {
                return node.call(c -> c.collections(c.callTimeout()).describeCollection(
                        DescribeCollectionRequest.newBuilder().setName(name).build())).join().getCollection().getSpec();
            } catch (RuntimeException failure) {
                if (!CallFailures.isNodeTrouble(failure)) {
                    throw CallFailures.status(failure).asRuntimeException();
                }
                errors.add(node.id() + " " + CallFailures.describe(failure));
            }
        }
        throw Status.UNAVAILABLE.withDescription("no storage node answered for collection '" + name + "': "
                + String.join("; ", errors)).asRuntimeException();
    }
}
