package org.vxdb.coordinator.net;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import org.vxdb.coordinator.core.InFlightBudget;

/**
 * Stops reading a connection's socket while the coordinator's in-flight budget is saturated, and
 * starts again once it drains: a client that sends faster than the cluster writes is held back by
 * TCP instead of queueing requests in the coordinator. Adapters call {@link #check} after handing a
 * request to the core.
 */
public final class Backpressure {

    private static final long RECHECK_MICROS = 500;

    private Backpressure() {
    }

    public static void check(Channel channel, InFlightBudget budget) {
        if (budget.saturated() && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            resumeLater(channel, budget);
        }
    }

    private static void resumeLater(Channel channel, InFlightBudget budget) {
        channel.eventLoop().schedule(() -> {
            if (!channel.isActive()) {
                return;
            }
            if (budget.saturated()) {
                resumeLater(channel, budget);
            } else {
                channel.config().setAutoRead(true);
            }
        }, RECHECK_MICROS, TimeUnit.MICROSECONDS);
    }
}
