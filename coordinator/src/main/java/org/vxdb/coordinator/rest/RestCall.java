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

    /** A core context whose deadline starts now (each batch of a stream gets its own). */
    CallContext context() {
        return CallContext.of(caller, requestId, timeout);
    }
}
