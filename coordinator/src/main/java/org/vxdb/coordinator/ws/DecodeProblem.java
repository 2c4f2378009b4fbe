package org.vxdb.coordinator.ws;

/** A field of a message that is not what the protocol says; the first one found is reported. */
final class DecodeProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Integer row;

    DecodeProblem(Integer row, String message) {
        super(message, null, false, false);
        this.row = row;
    }

    /** The batch row at fault, or null. */
    Integer row() {
        return row;
    }
}
