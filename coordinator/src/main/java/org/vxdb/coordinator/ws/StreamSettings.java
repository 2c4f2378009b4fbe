package org.vxdb.coordinator.ws;

import java.time.Duration;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * The numbers a stream session runs by, derived once from the listener limits and the core.
 *
 * @param credits         bytes of batch messages a client may have unanswered at once
 * @param maxMessageBytes the largest WebSocket message ({@code connections.max_request_bytes})
 * @param maxBatchRows    the most rows one batch may carry (the core's limit)
 * @param pingInterval    a session silent this long is pinged (once per silence)
 */
record StreamSettings(long credits, int maxMessageBytes, int maxBatchRows, Duration pingInterval) {

    /**
     * Beyond one message, a session may hold at most this much more unanswered: enough to keep a
     * batch queued behind the one in the core, without letting 1000 sessions pin gigabytes.
     */
    static final long EXTRA_CREDITS_CAP = 32L << 20;
    /** Ping interval when the listener has no idle timeout. */
    static final Duration PING_INTERVAL_DEFAULT = Duration.ofSeconds(30);

    static StreamSettings of(ProtocolContext context) {
        int maxMessage = context.limits().maxRequestBytes();
        long credits = Math.max(maxMessage, Math.min(2L * maxMessage, EXTRA_CREDITS_CAP));
        Duration idle = context.limits().idleTimeout();
        // Half the idle timeout: a client that answers the ping is never idle; one that does not is
        // closed by the listener's idle timeout.
        Duration ping = idle.isZero() ? PING_INTERVAL_DEFAULT : idle.dividedBy(2);
        return new StreamSettings(credits, maxMessage, context.core().maxBatchRows(), ping);
    }
}
