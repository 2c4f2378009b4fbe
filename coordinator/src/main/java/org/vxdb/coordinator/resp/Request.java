package org.vxdb.coordinator.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.CoordinatorCore;
import org.vxdb.coordinator.net.ProtocolContext;

/**
 * One decoded command and what it runs with: its arguments (the name first, binary-safe), the
 * connection's session, the protocol version its reply will be written in, and the core call
 * context (caller, request id, deadline) shared by every core call the command makes.
 */
final class Request {

    private final List<byte[]> args;
    private final RespSession session;
    private final int protocol;
    private final ProtocolContext context;
    private final CallContext call;

    Request(List<byte[]> args, RespSession session, ProtocolContext context, CallContext call) {
        this.args = args;
        this.session = session;
        this.protocol = session.protocol();
        this.context = context;
        this.call = call;
    }

    /** Arguments including the command name. */
    int argc() {
        return args.size();
    }

    byte[] raw(int i) {
        return args.get(i);
    }

    String arg(int i) {
        return new String(args.get(i), StandardCharsets.UTF_8);
    }

    /** The argument upper-cased, for keywords. */
    String keyword(int i) {
        return arg(i).toUpperCase(Locale.ROOT);
    }

    RespSession session() {
        return session;
    }

    /** 2 or 3: the version this command's reply is written in. */
    int protocol() {
        return protocol;
    }

    boolean resp3() {
        return protocol >= 3;
    }

    ProtocolContext context() {
        return context;
    }

    CoordinatorCore core() {
        return context.core();
    }

    CallContext call() {
        return call;
    }

    /** The integer at {@code i}, or {@code ERR value is not an integer or out of range}. */
    long integer(int i) {
        Long v = RespNumbers.parseLong(arg(i));
        if (v == null) {
            throw CommandException.notInteger();
        }
        return v;
    }

    /** The integer at {@code i} within [min, max], or {@code ERR <errorMessage>}. */
    long integer(int i, long min, long max, String errorMessage) {
        Long v = RespNumbers.parseLong(arg(i));
        if (v == null || v < min || v > max) {
            throw CommandException.err(errorMessage);
        }
        return v;
    }
}
