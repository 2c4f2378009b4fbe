package org.vxdb.node.config;

import org.vxdb.service.config.HostAndPort;

import java.time.Duration;

/** The {@code grpc:} section, validated by {@link NodeConfigReader}; thread counts are resolved (never 0). */
record GrpcSettings(HostAndPort listen, int maxMessageBytes, int maxConcurrentRequests, int maxQueuedRequests,
                    int maxBatchRows, int workerThreads, Duration defaultDeadline) {

    GrpcSettings withListen(HostAndPort newListen) {
        return new GrpcSettings(newListen, maxMessageBytes, maxConcurrentRequests, maxQueuedRequests, maxBatchRows,
                workerThreads, defaultDeadline);
    }
}
