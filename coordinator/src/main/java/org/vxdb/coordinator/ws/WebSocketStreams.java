package org.vxdb.coordinator.ws;

import io.netty.channel.ChannelHandler;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import org.vxdb.coordinator.net.Connection;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * WebSocket streaming ingest at {@link #PATH} on the REST port (docs/api-websocket.md): a client
 * opens a session on a collection and streams batches of vectors, as JSON text frames or binary
 * frames, each acknowledged in order, within a byte credit, with back-off when the coordinator is
 * busy. The REST adapter puts {@link #upgradeHandler} right after its HTTP codec; the coordinator
 * calls {@link #announceShutdown} when it stops.
 */
public final class WebSocketStreams {

    public static final String PATH = "/v1/stream";

    /** The sessions of each coordinator (keyed by its protocol context; weakly, so a stopped one is forgotten). */
    private static final Map<ProtocolContext, SessionRegistry> REGISTRIES =
            Collections.synchronizedMap(new WeakHashMap<>());

    private WebSocketStreams() {
    }

    /**
     * Added by the REST adapter right after its HTTP server codec, named "ws-upgrade": takes over a
     * connection whose request upgrades to WebSocket at {@link #PATH}; passes every other message on
     * unchanged.
     */
    public static ChannelHandler upgradeHandler(ProtocolContext context, Connection connection) {
        return new StreamUpgradeHandler(context, connection, registry(context));
    }

    /**
     * Tells every stream session of this coordinator that it is shutting down: each sends
     * {@code {"type":"shutdown"}}, finishes and acknowledges the batches it has received, refuses
     * later ones, and closes with 1001. Sessions that upgrade afterwards are closed the same way.
     * Call it after the REST listener stopped accepting and before the core and event loops close;
     * the future completes when every session's connection has closed.
     */
    public static CompletableFuture<Void> announceShutdown(ProtocolContext context) {
        return registry(context).shutdown();
    }

    private static SessionRegistry registry(ProtocolContext context) {
        return REGISTRIES.computeIfAbsent(context, c -> new SessionRegistry());
    }
}
