package org.vxdb.coordinator.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.vxdb.coordinator.core.VxdbException;

/** The gRPC status of each core failure code; the description is the core's message, unchanged. */
public final class GrpcErrors {

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(Throwable failure) {
        VxdbException e = VxdbException.from(failure);
        return code(e.code()).withDescription(e.getMessage()).asRuntimeException();
    }

    public static Status code(VxdbException.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case INTERNAL -> Status.INTERNAL;
        };
    }
}
