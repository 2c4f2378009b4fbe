package org.vxdb.coordinator.rest;

import java.time.Duration;
import java.util.Map;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.Caller;

/**
 * One HTTP request as the adapter knows it once its head is read: the request id every response
 * and error carries, the operation (for metrics), when it started, the deadline it asked for, the
 * caller, and its query parameters.
 */
record RestCall(String requestId, String operation, long startNanos, Duration timeout, Caller caller,
                Map<String, String> query) {

    /** A call not yet routed: its operation is "unknown", its deadline the default. */
    static RestCall unrouted(String requestId, long startNanos, Duration defaultTimeout, Caller caller) {
        return new RestCall(requestId, "unknown", startNanos, defaultTimeout, caller, Map.of());
    }

    RestCall withOperation(String name) {
        return new RestCall(requestId, name, startNanos, timeout, caller, query);
    }

    RestCall withCaller(Caller who) {
        return new RestCall(requestId, operation, startNanos, timeout, who, query);
    }

    RestCall withQuery(Map<String, String> parameters, Duration deadline) {
        return new RestCall(requestId, operation, startNanos, deadline, caller, parameters);
    }

    /** A core context whose deadline starts now (each batch of a stream gets its own). */
    CallContext context() {
        return CallContext.of(caller, requestId, timeout);
    }
}
