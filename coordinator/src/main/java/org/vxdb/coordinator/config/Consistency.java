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
     * Durable acknowledgements needed with {@code replicationFactor} replicas: 1, half rounded up,
     * or all. QUORUM is a majority for odd factors; with RF 2 it is one replica, so that writes go on
     * while either replica is down (ask for ALL to have both before the acknowledgement).
     */
    public int required(int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, got " + replicationFactor);
        }
        return switch (this) {
            case ONE -> 1;
            case QUORUM -> (replicationFactor + 1) / 2;
            case ALL -> replicationFactor;
        };
    }
}
