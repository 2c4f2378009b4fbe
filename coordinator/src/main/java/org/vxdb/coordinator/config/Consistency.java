package org.vxdb.coordinator.config;

/**
 * How many replicas must have a write durably before the client is told it succeeded
 * ({@code write.consistency}, or per request).
 */
public enum Consistency {
    ONE,
    QUORUM,
    ALL;

    /**
     * Durable acknowledgements needed with {@code replicationFactor} replicas, counted when the
     * client is answered: ONE 1, QUORUM a majority ({@code floor(RF/2) + 1}: 2 of 2, 2 of 3, 3 of
     * 5), ALL every replica. A write answered at QUORUM is on a majority of its replicas, so any two
     * QUORUM operations on one id meet on at least one replica.
     */
    public int required(int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, got " + replicationFactor);
        }
        return switch (this) {
            case ONE -> 1;
            case QUORUM -> replicationFactor / 2 + 1;
            case ALL -> replicationFactor;
        };
    }
}
