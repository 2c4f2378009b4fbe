package org.vxdb.coordinator.config;

/**
 * How many replicas must have a write durably before the client is told it succeeded
 * ({@code write.consistency}, or per request).
 */
public enum Consistency {
    ONE,
    QUORUM,
    ALL;

    /** Durable acknowledgements needed with {@code replicationFactor} replicas: 1, a majority, or all. */
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
