package org.vxdb.coordinator.resp;

import org.vxdb.coordinator.core.VxdbException;

/**
 * A command that cannot run as sent (syntax, arity, a word where a number belongs): answered with
 * the exact Redis error text, which starts with its code ({@code ERR}, {@code WRONGTYPE}, ...).
 * The connection stays open. Never reaches the core.
 */
final class CommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final VxdbException.Code code;

    private CommandException(String errorText, VxdbException.Code code) {
        super(errorText, null, false, false);
        this.code = code;
    }

    /** {@code ERR <message>}. */
    static CommandException err(String message) {
        return new CommandException("ERR " + message, VxdbException.Code.INVALID_ARGUMENT);
    }

    /** An error with its own code word, e.g. {@code WRONGTYPE ...}, {@code NOPROTO ...}. */
    static CommandException withCode(String errorText) {
        return new CommandException(errorText, VxdbException.Code.INVALID_ARGUMENT);
    }

    static CommandException wrongArity(String fullName) {
        return err("wrong number of arguments for '" + fullName + "' command");
    }

    static CommandException syntax() {
        return err("syntax error");
    }

    static CommandException notInteger() {
        return err("value is not an integer or out of range");
    }

    /** The error text as written after the {@code -}. */
    String errorText() {
        return getMessage();
    }

    /** The outcome code recorded in metrics. */
    VxdbException.Code code() {
        return code;
    }
}
