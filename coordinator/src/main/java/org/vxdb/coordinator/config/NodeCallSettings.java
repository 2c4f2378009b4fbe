package org.vxdb.coordinator.config;

import java.time.Duration;

/** The {@code nodes:} section, validated by {@link CoordinatorConfigReader}: how the coordinator calls nodes. */
record NodeCallSettings(Duration callTimeout, int writeAttempts, Duration retryBackoff, Duration retryMaxBackoff,
                        int breakerFailureRate, int breakerWindow, int breakerMinimumCalls, Duration breakerOpenFor) {
}
