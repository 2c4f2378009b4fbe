package org.vxdb.coordinator.hints;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.coordinator.client.NodeClients;

/**
 * Delivers hints: every {@code write.hint_replay_interval}, for each node with hints that is ready
 * (it answers its status call, ready), sends its hinted writes through its breaker in order,
 * one at a time, each holding a permit of the node's replica window. A node that refuses one for
 * admission (RESOURCE_EXHAUSTED) is given time and asked again: the pace is what its admission
 * control accepts. Any other node trouble ends the round for that node; a verdict on the request
 * (the collection was dropped meanwhile) drops that hint. Writes carry their versions, so a hint
 * delivered twice (after a crash of the coordinator mid-segment) is harmless.
 */
public final class HintReplayer {

    private static final Logger LOG = LoggerFactory.getLogger(HintReplayer.class);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
    private static final long MAX_BACKOFF_MILLIS = 1000;

    /** What a round delivered, for metrics and tests. */
    public interface Listener {
        void replayed(String node, int records);

        void discarded(String node, String reason);
    }

    private final HintStore store;
    private final NodeClients clients;
    private final Listener listener;
    /** Where a partly delivered segment goes on: the offset of its first undelivered request. */
    private final Map<Path, Long> cursors = new HashMap<>();

    public HintReplayer(HintStore store, NodeClients clients, Listener listener) {
        this.store = store;
        this.clients = clients;
        this.listener = listener;
    }

    /** One round over every node with hints (the replay timer calls it; never concurrently). */
    public void replayAll() {
        for (String node : store.nodesWithHints()) {
            NodeClient client = clients.view().clients().get(node);
            if (client == null) {
                continue; // left the topology: its hints wait in case it returns
            }
            try {
                replay(client);
            } catch (RuntimeException e) {
                LOG.warn("hints for {}: replay failed: {}", node, e.toString());
            }
        }
    }

    /** Delivers {@code client}'s hints while it takes them; returns the records delivered. */
    public long replay(NodeClient client) {
        // Not gated on the breaker: one left open by the outage (with no traffic since) lets the first
        // delivery through as a probe once its open time has passed, and closes on success.
        if (!ready(client)) {
            return 0;
        }
        long delivered = 0;
        for (Path segment : store.takeSegments(client.id())) {
            Delivery d = new Delivery(client);
            long from = cursors.getOrDefault(segment, 0L);
            long stoppedAt;
            try {
                stoppedAt = HintStore.read(segment, from, d::deliver);
            } catch (IOException e) {
                LOG.warn("hints for {}: cannot read {}: {}", client.id(), segment, e.toString());
                return delivered;
            }
            delivered += d.records;
            if (d.records > 0) {
                listener.replayed(client.id(), d.records);
            }
            if (d.stopped) {
                cursors.put(segment, stoppedAt);
                LOG.info("hints for {}: {} records delivered, then {}; the rest waits", client.id(), delivered,
                        d.why);
                return delivered;
            }
            cursors.remove(segment);
            store.delivered(client.id(), segment);
        }
        if (delivered > 0) {
            LOG.info("hints for {}: {} records delivered, none left", client.id(), delivered);
        }
        return delivered;
    }

    private static boolean ready(NodeClient client) {
        try {
            return client.observe(c -> c.internal(STATUS_TIMEOUT).nodeStatus(NodeStatusRequest.getDefaultInstance()))
                    .join().getReady();
        } catch (CompletionException e) {
            return false;
        }
    }

    /** Sends one segment's requests to one node, one at a time. */
    private final class Delivery {
        final NodeClient client;
        int records;
        boolean stopped;
        String why;

        Delivery(NodeClient client) {
            this.client = client;
        }

        boolean deliver(ShardWriteRequest request) {
            long backoff = 10;
            while (true) {
                if (!client.window().tryAcquire(client.callTimeout().toMillis())) {
                    return stop("its replica window stayed full");
                }
                try {
                    client.call(c -> c.internal(c.callTimeout()).writeShard(request)).join();
                    records += request.getRecordsCount();
                    return true;
                } catch (CompletionException failure) {
                    Status status = CallFailures.status(failure);
                    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        sleep(backoff); // admission control: slow down, not a failure
                        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                        continue;
                    }
                    if (CallFailures.isNodeTrouble(failure)) {
                        return stop(CallFailures.describe(failure));
                    }
                    listener.discarded(client.id(), CallFailures.describe(failure));
                    LOG.warn("hints for {}: a hint for {} cluster {} is dropped: {}", client.id(),
                            request.getCollection(), request.getShard(), CallFailures.describe(failure));
                    return true;
                } finally {
                    client.window().release();
                }
            }
        }

        private boolean stop(String reason) {
            stopped = true;
            why = reason;
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
