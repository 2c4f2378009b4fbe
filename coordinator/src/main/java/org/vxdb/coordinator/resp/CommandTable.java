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

/**
 * Every command the listener knows, by name, and the common steps before a handler runs: the
 * per-client rate limit, the unknown-command and arity errors in Redis's words, the call context.
 */
final class CommandTable {

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
            if (spec == null) {
                throw unknownCommand(args);
            }
            if (!spec.arityMatches(args.size())) {
                throw CommandException.wrongArity(spec.name());
            }
            CallContext call = CallContext.of(session.connection().caller(), null, context.core().defaultDeadline());
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
