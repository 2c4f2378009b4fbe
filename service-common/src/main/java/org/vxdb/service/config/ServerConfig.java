package org.vxdb.service.config;

import java.time.Duration;
import org.vxdb.service.tracing.TracingSettings;

/**
 * What every VxDB server's config answers, whatever else it holds: the settings of
 * {@link ServerSettings}, under the names the servers use.
 */
public interface ServerConfig {

    ServerSettings server();

    default HostAndPort grpcListen() {
        return server().grpc().listen();
    }

    default HostAndPort httpListen() {
        return server().httpListen();
    }

    default int maxMessageBytes() {
        return server().grpc().maxMessageBytes();
    }

    default int maxConcurrentRequests() {
        return server().grpc().maxConcurrentRequests();
    }

    default int maxQueuedRequests() {
        return server().grpc().maxQueuedRequests();
    }

    default int maxBatchRows() {
        return server().grpc().maxBatchRows();
    }

    /** gRPC worker threads, never 0: {@code worker_threads: 0} is resolved to the number of CPUs. */
    default int grpcWorkerThreads() {
        return server().grpc().workerThreads();
    }

    default Duration defaultDeadline() {
        return server().grpc().defaultDeadline();
    }

    /** TLS on the server's listeners, or null when it serves plaintext. */
    default TlsSettings tls() {
        return server().tls();
    }

    default Duration shutdownGrace() {
        return server().shutdownGrace();
    }

    /** Distributed tracing: off unless {@code tracing.endpoint} is set. */
    default TracingSettings tracing() {
        return server().tracing();
    }

    /** One of {@link ServerSettings#LOGGING_LEVELS}. */
    default String logLevel() {
        return server().logLevel();
    }
}
