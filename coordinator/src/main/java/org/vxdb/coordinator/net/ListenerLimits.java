package org.vxdb.coordinator.net;

import java.time.Duration;

/**
 * The limits every protocol listener applies the same way ({@code connections:} in the
 * coordinator config; docs/configuration.md).
 *
 * @param maxConnections   open connections per listener; one more is refused with the protocol's error and closed
 * @param idleTimeout      a connection that neither sends nor receives for this long is closed
 * @param handshakeTimeout a connection must finish its HTTP request head / WebSocket upgrade / first RESP command
 *                         within this long
 * @param maxRequestBytes  the largest single request (HTTP body, WebSocket message, RESP command)
 * @param maxStreamBytes   the largest streamed body (REST NDJSON bulk upsert), read a line at a time
 * @param rateLimit        requests per second per client address; 0 turns the limit off
 * @param rateBurst        requests a client may send at once above the steady rate
 */
public record ListenerLimits(int maxConnections, Duration idleTimeout, Duration handshakeTimeout, int maxRequestBytes,
                             long maxStreamBytes, int rateLimit, int rateBurst) {

    public static final int MAX_CONNECTIONS_DEFAULT = 1024;
    public static final Duration IDLE_TIMEOUT_DEFAULT = Duration.ofMinutes(5);
    public static final Duration HANDSHAKE_TIMEOUT_DEFAULT = Duration.ofSeconds(10);
    public static final int MAX_REQUEST_BYTES_DEFAULT = 64 << 20;
    public static final long MAX_STREAM_BYTES_DEFAULT = 16L << 30;
    public static final int RATE_LIMIT_DEFAULT = 0;
    public static final int RATE_BURST_DEFAULT = 0;

    public ListenerLimits {
        if (maxConnections < 1 || maxRequestBytes < 1 || maxStreamBytes < 1 || rateLimit < 0 || rateBurst < 0) {
            throw new IllegalArgumentException("invalid listener limits");
        }
    }

    public static ListenerLimits defaults() {
        return new ListenerLimits(MAX_CONNECTIONS_DEFAULT, IDLE_TIMEOUT_DEFAULT, HANDSHAKE_TIMEOUT_DEFAULT,
                MAX_REQUEST_BYTES_DEFAULT, MAX_STREAM_BYTES_DEFAULT, RATE_LIMIT_DEFAULT, RATE_BURST_DEFAULT);
    }

    @Override
    public String toString() {
        return "connections.max_per_listener=" + maxConnections + " connections.idle_timeout=" + idleTimeout
                + " connections.handshake_timeout=" + handshakeTimeout + " connections.max_request_bytes="
                + maxRequestBytes + " connections.max_stream_bytes=" + maxStreamBytes + " connections.rate_limit="
                + rateLimit + " connections.rate_burst=" + rateBurst;
    }
}
