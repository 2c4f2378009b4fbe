package org.vxdb.coordinator.net;

import io.netty.channel.Channel;
import org.vxdb.coordinator.core.InFlightBudget;

/**
 * Stops reading a connection's socket while the coordinator's in-flight budget is saturated, and
 * starts again once it drains: a client that sends faster than the cluster writes is held back by
 * TCP instead of queueing requests in the coordinator. Adapters call {@link #check} after handing a
 * request to the core. The budget calls back when it drains (no polling), and the socket is read
 * again on the connection's event loop.
 */
public final class Backpressure {

    private Backpressure() {
    }

    public static void check(Channel channel, InFlightBudget budget) {
        if (budget.saturated() && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            budget.whenNotSaturated(() -> channel.eventLoop().execute(() -> resume(channel, budget)));
        }
    }

    private static void resume(Channel channel, InFlightBudget budget) {
        if (!channel.isActive()) {
            return;
        }
        channel.config().setAutoRead(true);
        check(channel, budget); // saturated again in the meantime: wait for the next drain
    }
}
