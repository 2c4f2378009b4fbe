package org.vxdb.coordinator.net;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.vxdb.coordinator.core.VxdbException;

/**
 * A request-rate limit per client (its address), shared by every listener of a coordinator, so a
 * client cannot get around it by switching protocols. Resilience4j's {@link RateLimiter} per client:
 * {@code rate} permits a second on average and up to {@code rate + burst} at once, never waiting (a
 * refused request is answered at once).
 */
public final class ClientRateLimits {

    /** Clients tracked before the idle ones are forgotten. */
    private static final int MAX_CLIENTS = 65_536;

    private final int perSecond;
    private final RateLimiterConfig config;
    private final ConcurrentHashMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public ClientRateLimits(int perSecond, int burst) {
        this.perSecond = perSecond;
        // rate + burst permits per period of (rate + burst) / rate seconds: on average `rate` a second,
        // with up to rate + burst at once.
        this.config = perSecond == 0 ? null : RateLimiterConfig.custom()
                .limitForPeriod(perSecond + burst)
                .limitRefreshPeriod(Duration.ofNanos(1_000_000_000L * (perSecond + burst) / perSecond))
                .timeoutDuration(Duration.ZERO).build();
    }

    public boolean enabled() {
        return config != null;
    }

    /**
     * Takes one permit for {@code client} or throws RESOURCE_EXHAUSTED saying when to retry.
     * Does nothing when the limit is off.
     */
    public void acquire(String client) {
        if (config == null) {
            return;
        }
        if (limiters.size() > MAX_CLIENTS) {
            forgetIdleClients();
        }
        RateLimiter limiter = limiters.computeIfAbsent(client, c -> RateLimiter.of(c, config));
        if (!limiter.acquirePermission()) {
            throw VxdbException.exhausted("rate limit of " + perSecond + " requests per second exceeded for client "
                    + client + "; retry after " + retryAfterSeconds() + " s");
        }
    }

    /**
     * Drops the limiters of clients that have every permit back (idle for a period at least), so
     * that many addresses cannot grow the map without bound; busy clients keep theirs.
     */
    private void forgetIdleClients() {
        limiters.values().removeIf(l -> l.getMetrics().getAvailablePermissions() >= config.getLimitForPeriod());
    }

    /** Seconds a refused client should wait (the limiter refreshes every second). */
    public int retryAfterSeconds() {
        return config == null ? 1 : (int) Math.max(1, (config.getLimitRefreshPeriod().toMillis() + 999) / 1000);
    }

    /** The client part of {@code host:port} (its host), which is what is limited. */
    public static String clientOf(String remoteAddress) {
        int colon = remoteAddress.lastIndexOf(':');
        return colon > 0 ? remoteAddress.substring(0, colon) : remoteAddress;
    }
}
