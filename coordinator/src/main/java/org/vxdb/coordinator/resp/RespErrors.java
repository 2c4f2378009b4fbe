package org.vxdb.coordinator.resp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.core.VxdbException;

/**
 * How a failed command is answered. Core failures keep their message word for word; the code
 * decides the Redis error word: RESOURCE_EXHAUSTED (rate limit, in-flight budget) is {@code BUSY}
 * so clients can tell "retry later" from a bad request, UNAUTHENTICATED is {@code NOAUTH},
 * PERMISSION_DENIED is {@code NOPERM}, everything else {@code ERR}.
 */
final class RespErrors {

    private static final Logger LOG = LoggerFactory.getLogger(RespErrors.class);

    private RespErrors() {
    }

    /** The reply and the metrics code of a failure. */
    record Outcome(Reply reply, String code) {
    }

    static Outcome of(Throwable failure) {
        Throwable cause = CallFailures.unwrap(failure);
        if (cause instanceof CommandException c) {
            return new Outcome(Reply.error(c.errorText()), c.code().name());
        }
        VxdbException e = VxdbException.from(cause);
        if (e.code() == VxdbException.Code.INTERNAL) {
            LOG.warn("RESP command failed", cause);
        }
        return new Outcome(Reply.error(errorWord(e.code()) + " " + e.getMessage()), e.code().name());
    }

    static String errorWord(VxdbException.Code code) {
        return switch (code) {
            case RESOURCE_EXHAUSTED -> "BUSY";
            case UNAUTHENTICATED -> "NOAUTH";
            case PERMISSION_DENIED -> "NOPERM";
            default -> "ERR";
        };
    }
}
