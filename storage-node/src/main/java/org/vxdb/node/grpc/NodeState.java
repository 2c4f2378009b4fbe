package org.vxdb.node.grpc;

import org.vxdb.api.HybridLogicalClock;
import org.vxdb.storage.engine.StorageEngine;

/**
 * What the services need to know about the node's lifecycle: the engine once it is open, and
 * whether the node takes requests. Before the engine is open and while shutting down, data
 * requests fail with UNAVAILABLE and the reason.
 */
public final class NodeState {

    private volatile StorageEngine engine;
    private volatile HybridLogicalClock clock;
    private volatile String notReadyReason = "opening storage";

    /** Makes the node ready: requests are served from {@code openEngine} from now on. */
    public void ready(StorageEngine openEngine, HybridLogicalClock versions) {
        this.clock = versions;
        this.engine = openEngine;
        this.notReadyReason = null;
    }

    /** Stops serving data requests, e.g. at the start of a graceful shutdown. */
    public void notReady(String reason) {
        this.notReadyReason = reason;
    }

    public boolean isReady() {
        return notReadyReason == null;
    }

    /** Why the node is not ready, or null when it is. */
    public String notReadyReason() {
        return notReadyReason;
    }

    /** The open engine; NodeNotReadyException while the node is not ready. */
    public StorageEngine engine() {
        String reason = notReadyReason;
        StorageEngine e = engine;
        if (reason != null || e == null) {
            throw new NodeNotReadyException("node is not ready: " + (reason == null ? "opening storage" : reason));
        }
        return e;
    }

    /** The engine even while draining (in-flight requests finish against it); null before open. */
    StorageEngine engineForDrain() {
        return engine;
    }

    public HybridLogicalClock clock() {
        return clock;
    }
}
