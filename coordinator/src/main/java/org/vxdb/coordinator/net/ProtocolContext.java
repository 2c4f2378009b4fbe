package org.vxdb.coordinator.net;

import org.vxdb.coordinator.CoordinatorMetrics;
import org.vxdb.coordinator.core.CoordinatorCore;

/** What every protocol adapter is built from: the one core API and the rules all listeners share. */
public record ProtocolContext(CoordinatorCore core, ListenerLimits limits, ClientRateLimits rateLimits,
                             CoordinatorMetrics metrics) {
}
