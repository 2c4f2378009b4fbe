package org.vxdb.cli.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** One line for a failed call: what the server said, or why the cluster could not be reached. */
public final class GrpcErrors {

    private GrpcErrors() {
    }

    public static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        String description = s.getDescription();
        if (s.getCause() != null && s.getCause().getMessage() != null
                && (description == null || description.equals("io exception"))) {
            description = s.getCause().getMessage();
        }
        return switch (s.getCode()) {
            case UNAVAILABLE -> "the cluster is unavailable" + (description == null ? "" : ": " + description);
            case DEADLINE_EXCEEDED -> "the call timed out (--timeout)"
                    + (description == null ? "" : ": " + description);
            case UNAUTHENTICATED -> "not authenticated (give --api-key or --api-key-file)"
                    + (description == null ? "" : ": " + description);
            default -> description == null ? s.getCode().toString() : description;
        };
    }
}
