package org.vxdb.node.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.storage.engine.CollectionExistsException;
import org.vxdb.storage.engine.CollectionNotFoundException;
import org.vxdb.storage.memory.NativeMemoryExhaustedException;
import org.vxdb.storage.shard.IdsExistException;

/**
 * Turns what the engine throws into a gRPC {@link Status} with a description a client can act
 * on. Bad input is INVALID_ARGUMENT with the engine's message (which names the field or row);
 * anything unexpected is INTERNAL and logged with its stack trace under the request id.
 */
final class GrpcErrors {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    static StatusRuntimeException toStatus(Throwable t) {
        return switch (t) {
            case StatusRuntimeException s -> s;
            case CollectionNotFoundException e -> Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
            case CollectionExistsException e -> Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException();
            case IdsExistException e -> Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException();
            case NativeMemoryExhaustedException e ->
                    Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
            case IllegalArgumentException e -> invalid(e.getMessage());
            case NodeNotReadyException e -> Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
            case IllegalStateException e when isClosed(e) ->
                    Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
            case IOException e -> internal("storage I/O failed: " + e.getMessage(), e);
            case UncheckedIOException e -> internal("storage I/O failed: " + e.getCause().getMessage(), e);
            default -> internal("internal error: " + t, t);
        };
    }

    private static boolean isClosed(IllegalStateException e) {
        String m = e.getMessage();
        return m != null && (m.contains("is closed") || m.contains(" was dropped") || m.contains(" was closed"));
    }

    private static StatusRuntimeException internal(String description, Throwable t) {
        LOG.error(description, t);
        return Status.INTERNAL.withDescription(description).withCause(t).asRuntimeException();
    }
}
