package org.vxdb.coordinator.resp;

import java.util.Collection;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the RESP listener reports about itself in INFO and HELLO: its start time, client ids handed
 * out, connections open and received, commands processed. Shared by all its connections.
 */
final class RespServerState {

    /** The Redis version whose commands and replies this listener follows (vector sets came with 8.0). */
    static final String REDIS_COMPATIBLE_VERSION = "8.0.0";

    private final long startNanos = System.nanoTime();
    private final AtomicLong nextClientId = new AtomicLong();
    private final ConcurrentSkipListMap<Long, RespSession> sessions = new ConcurrentSkipListMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong connectionsReceived = new AtomicLong();
    private final AtomicLong commandsProcessed = new AtomicLong();
    private final AtomicLong rejectedCommands = new AtomicLong();
    private final String version;

    RespServerState() {
        String v = RespServerState.class.getPackage().getImplementationVersion();
        this.version = v == null ? "0.1.0" : v;
    }

    /** The id of the next client, as CLIENT ID reports it: 1, 2, 3, ... */
    long nextClientId() {
        return nextClientId.incrementAndGet();
    }

    void connectionOpened(RespSession session) {
        sessions.put(session.id(), session);
        connected.incrementAndGet();
        connectionsReceived.incrementAndGet();
    }

    void connectionClosed(RespSession session) {
        if (sessions.remove(session.id()) != null) {
            connected.decrementAndGet();
        }
    }

    /** Open connections by client id (CLIENT LIST). */
    Collection<RespSession> sessions() {
        return sessions.values();
    }

    void commandProcessed(boolean failed) {
        commandsProcessed.incrementAndGet();
        if (failed) {
            rejectedCommands.incrementAndGet();
        }
    }

    String version() {
        return version;
    }

    long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    int connected() {
        return connected.get();
    }

    long connectionsReceived() {
        return connectionsReceived.get();
    }

    long commandsProcessed() {
        return commandsProcessed.get();
    }

    long rejectedCommands() {
        return rejectedCommands.get();
    }
}
