package org.vxdb.coordinator.resp;

/** A FILTER expression that cannot be read or mapped: the character position (from 0) and why. */
final class FilterSyntaxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int position;

    FilterSyntaxException(int position, String reason) {
        super(reason, null, false, false);
        this.position = position;
    }

    int position() {
        return position;
    }

    /** {@code ERR syntax error in FILTER expression at position 7 near '> > 3': expected a .field or a value}. */
    CommandException toCommandError(String expression) {
        int from = Math.min(position, expression.length());
        String near = expression.substring(from, Math.min(expression.length(), from + 24));
        return CommandException.err("syntax error in FILTER expression at position " + position + " near '" + near
                + "': " + getMessage());
    }
}
