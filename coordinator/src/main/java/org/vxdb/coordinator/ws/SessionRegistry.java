package org.vxdb.coordinator.ws;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open stream sessions of one coordinator, so that its shutdown can announce itself to each
 * and wait for them to finish their batches and close.
 */
final class SessionRegistry {

    private final Set<StreamSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    /** Registers a session that finished its handshake; one that comes during shutdown is told at once. */
    void add(StreamSession session) {
        sessions.add(session);
        if (shuttingDown) {
            session.announceShutdown();
        }
    }

    void remove(StreamSession session) {
        sessions.remove(session);
    }

    /** Tells every session; completes when every one of them has closed its connection. */
    CompletableFuture<Void> shutdown() {
        shuttingDown = true;
        return CompletableFuture.allOf(sessions.stream().map(StreamSession::announceShutdown)
                .toArray(CompletableFuture[]::new));
    }
}
