package org.vxdb.node.grpc;

/** A request arrived before the storage was open (or after it was closed for shutdown). */
public final class NodeNotReadyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NodeNotReadyException(String message) {
        super(message);
    }
}
