package org.vxdb.service.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code grpc:} section every VxDB server has: where it listens and how much work it admits.
 * The node and the coordinator share its fields, defaults and limits, so a client sees the same
 * limits from either. Thread counts are resolved: {@link #workerThreads()} is never 0.
 */
public record GrpcSettings(HostAndPort listen, int maxMessageBytes, int maxConcurrentRequests, int maxQueuedRequests,
                           int maxBatchRows, int workerThreads, Duration defaultDeadline) {

    public static final HostAndPort LISTEN_DEFAULT = new HostAndPort("127.0.0.1", 7100);
    public static final int MAX_MESSAGE_BYTES_DEFAULT = 64 << 20;
    public static final int MAX_MESSAGE_BYTES_MIN = 1 << 10;
    public static final int MAX_MESSAGE_BYTES_MAX = 1 << 30;
    /** Requests executing at once. */
    public static final int MAX_CONCURRENT_REQUESTS_DEFAULT = 64;
    public static final int MAX_CONCURRENT_REQUESTS_MAX = 10_000;
    /** Requests waiting beyond those executing; more are refused with RESOURCE_EXHAUSTED. 0 allowed. */
    public static final int MAX_QUEUED_REQUESTS_DEFAULT = 256;
    public static final int MAX_QUEUED_REQUESTS_MAX = 100_000;
    public static final int MAX_BATCH_ROWS_DEFAULT = 10_000;
    public static final int MAX_BATCH_ROWS_MAX = 100_000;
    /** 0 means the number of CPUs. */
    public static final int WORKER_THREADS_DEFAULT = 0;
    public static final int WORKER_THREADS_MAX = 1024;
    /** Applied to requests that arrive without a deadline. */
    public static final Duration DEFAULT_DEADLINE_DEFAULT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DEADLINE_MAX = Duration.ofHours(24);

    public GrpcSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(defaultDeadline, "defaultDeadline");
    }

    /** Reads and validates the {@code grpc:} section of a config's top level. */
    public static GrpcSettings read(ConfigSection root) {
        ConfigSection grpc = root.section("grpc", "listen", "max_message_bytes", "max_concurrent_requests",
                "max_queued_requests", "max_batch_rows", "worker_threads", "default_deadline");
        return new GrpcSettings(
                grpc.value("listen").address(LISTEN_DEFAULT),
                (int) grpc.value("max_message_bytes").size(MAX_MESSAGE_BYTES_DEFAULT, MAX_MESSAGE_BYTES_MIN,
                        MAX_MESSAGE_BYTES_MAX),
                (int) grpc.value("max_concurrent_requests").integer(MAX_CONCURRENT_REQUESTS_DEFAULT, 1,
                        MAX_CONCURRENT_REQUESTS_MAX),
                (int) grpc.value("max_queued_requests").integer(MAX_QUEUED_REQUESTS_DEFAULT, 0,
                        MAX_QUEUED_REQUESTS_MAX),
                (int) grpc.value("max_batch_rows").integer(MAX_BATCH_ROWS_DEFAULT, 1, MAX_BATCH_ROWS_MAX),
                grpc.value("worker_threads").threads(WORKER_THREADS_DEFAULT, WORKER_THREADS_MAX),
                grpc.value("default_deadline").positiveDuration(DEFAULT_DEADLINE_DEFAULT, DEFAULT_DEADLINE_MAX));
    }

    public GrpcSettings withListen(HostAndPort newListen) {
        return new GrpcSettings(newListen, maxMessageBytes, maxConcurrentRequests, maxQueuedRequests, maxBatchRows,
                workerThreads, defaultDeadline);
    }

    /** Every setting as {@code grpc.<field>=<value>}, for a server's start-up log line. */
    @Override
    public String toString() {
        return "grpc.listen=" + listen
                + " grpc.max_message_bytes=" + ByteSizeText.format(maxMessageBytes)
                + " grpc.max_concurrent_requests=" + maxConcurrentRequests
                + " grpc.max_queued_requests=" + maxQueuedRequests
                + " grpc.max_batch_rows=" + maxBatchRows
                + " grpc.worker_threads=" + workerThreads
                + " grpc.default_deadline=" + DurationText.format(defaultDeadline);
    }
}
