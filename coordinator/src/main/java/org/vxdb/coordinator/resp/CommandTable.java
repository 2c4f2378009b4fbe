package org.vxdb.coordinator.resp;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vxdb.coordinator.core.CallContext;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.security.Security;

/**
 * Every command the listener knows, by name, and the common steps before a handler runs: the
 * per-client rate limit, the unknown-command and arity errors in Redis's words, the call context.
 */
final class CommandTable {

    /** What a connection may send before it authenticates, as with Redis: the rest get NOAUTH. */
    private static final java.util.Set<String> PRE_AUTH = java.util.Set.of("auth", "hello", "quit", "reset");

    private final TreeMap<String, CommandSpec> commands = new TreeMap<>();
    private final ProtocolContext context;

    CommandTable(ProtocolContext context) {
        this.context = context;
    }

    void register(Collection<CommandSpec> specs) {
        for (CommandSpec s : specs) {
            if (commands.put(s.name(), s) != null) {
                throw new IllegalStateException("command registered twice: " + s.name());
            }
        }
    }

    /** The spec of the command {@code args} names, or null for an unknown command. */
    CommandSpec lookup(List<byte[]> args) {
        return commands.get(new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    }

    CommandSpec get(String name) {
        return commands.get(name.toLowerCase(Locale.ROOT));
    }

    Collection<CommandSpec> all() {
        return commands.values();
    }

    /**
     * False when security is on, the connection has not authenticated and the command is not one
     * that may come before (AUTH, HELLO, QUIT, RESET): such a command goes to {@link #dispatch},
     * which refuses it with NOAUTH, rather than into a MULTI block.
     */
    boolean mayRunBeforeDispatch(CommandSpec spec, RespSession session) {
        return !context.core().security().enabled() || session.caller().authenticated()
                || spec != null && PRE_AUTH.contains(spec.name());
    }

    /**
     * Rate limit, then arity, then the handler. Whatever goes wrong comes back as a failed stage
     * (a {@link CommandException} or a {@link VxdbException}), never as a throw.
     */
    CompletionStage<Reply> dispatch(CommandSpec spec, List<byte[]> args, RespSession session) {
        try {
            try {
                context.rateLimits().acquire(session.connection().client());
            } catch (VxdbException e) {
                if (context.metrics() != null) {
                    context.metrics().rateLimited("resp");
                }
                throw e;
            }
            Security security = context.core().security();
            if (security.enabled() && (spec == null || !PRE_AUTH.contains(spec.name()))) {
                security.requireAuthenticated(session.caller(), CallContext.newRequestId(),
                        spec == null ? "unknown" : spec.name().toUpperCase(Locale.ROOT));
            }
            if (spec == null) {
                throw unknownCommand(args);
            }
            if (!spec.arityMatches(args.size())) {
                throw CommandException.wrongArity(spec.name());
            }
            CallContext call = CallContext.of(session.caller(), null, context.core().defaultDeadline());
            return spec.handler().run(new Request(args, session, context, call));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Redis's text: the name as sent, then up to 128 characters of the first arguments, each quoted. */
    static CommandException unknownCommand(List<byte[]> args) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.size() && quoted.length() < 128; i++) {
            String a = new String(args.get(i), StandardCharsets.UTF_8);
            int room = 128 - quoted.length();
            quoted.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        String name = new String(args.get(0), StandardCharsets.UTF_8);
        return CommandException.err("unknown command '" + (name.length() > 128 ? name.substring(0, 128) : name)
                + "', with args beginning with: " + quoted);
    }
}
