package org.vxdb.coordinator.resp;

/**
 * A frame that cannot be read: the connection gets {@code -ERR Protocol error: ...} after the
 * replies to the commands before it, and is closed, as Redis does.
 */
final class RespProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RespProtocolException(String problem) {
        super("Protocol error: " + problem, null, false, false);
    }
}
