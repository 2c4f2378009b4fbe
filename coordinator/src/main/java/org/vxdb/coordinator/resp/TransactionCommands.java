package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * MULTI, EXEC and DISCARD, so that client pipelines wrapped in MULTI/EXEC (redis-py's default
 * {@code pipeline()}, ioredis {@code multi()}) work. See {@link Transaction} for what EXEC does
 * and does not promise.
 *
 * <p>The connection handler calls these as commands arrive, in arrival order, not when they run:
 * whether a command is queued must not depend on how far earlier commands have got.
 */
final class TransactionCommands {

    private final CommandTable table;

    TransactionCommands(CommandTable table) {
        this.table = table;
    }

    List<CommandSpec> specs() {
        return List.of(
                CommandSpec.named("multi", 1).flags("noscript", "loading", "stale", "fast").group("transactions")
                        .doc("MULTI", "Starts queueing commands for EXEC (a batch; not isolated).")
                        .handler(r -> ConnectionCommands.done(multi(r.session()))),
                CommandSpec.named("exec", 1).write().group("transactions")
                        .doc("EXEC", "Runs the queued commands in order; replies with all their replies.")
                        .handler(r -> {
                            Reply refusal = execRefusal(r.session());
                            return refusal != null ? ConnectionCommands.done(refusal)
                                    : exec(takeForExec(r.session()), r.session());
                        }),
                CommandSpec.named("discard", 1).flags("noscript", "loading", "stale", "fast").group("transactions")
                        .doc("DISCARD", "Forgets the queued commands.")
                        .handler(r -> ConnectionCommands.done(discard(r.session()))));
    }

    static Reply multi(RespSession session) {
        if (session.transaction() != null) {
            return Reply.error("ERR MULTI calls can not be nested");
        }
        session.transaction(new Transaction());
        return Reply.OK;
    }

    static Reply discard(RespSession session) {
        if (session.transaction() == null) {
            return Reply.error("ERR DISCARD without MULTI");
        }
        session.transaction(null);
        return Reply.OK;
    }

    /** Why EXEC cannot run (and the block is closed), or null when it can: call {@link #takeForExec} then. */
    static Reply execRefusal(RespSession session) {
        Transaction t = session.transaction();
        if (t == null) {
            return Reply.error("ERR EXEC without MULTI");
        }
        if (t.aborted()) {
            session.transaction(null);
            return Reply.error("EXECABORT Transaction discarded because of previous errors.");
        }
        return null;
    }

    static Transaction takeForExec(RespSession session) {
        Transaction t = session.transaction();
        session.transaction(null);
        return t;
    }

    /**
     * A command sent inside MULTI: {@code +QUEUED}, or the error that aborts the block (unknown
     * command, wrong arity, as Redis checks them while queueing; a block over {@code maxBytes}).
     */
    static Reply queue(Transaction t, CommandSpec spec, List<byte[]> args, long maxBytes) {
        if (spec == null) {
            t.abort();
            return Reply.error(CommandTable.unknownCommand(args).errorText());
        }
        if (!spec.arityMatches(args.size())) {
            t.abort();
            return Reply.error(CommandException.wrongArity(spec.name()).errorText());
        }
        if (!t.add(args, maxBytes)) {
            t.abort();
            return Reply.error("ERR MULTI block larger than " + maxBytes + " bytes (connections.max_request_bytes)");
        }
        return Reply.status("QUEUED");
    }

    /** Runs the queued commands one after another; a failed one is an error item, the others still run. */
    CompletionStage<Reply> exec(Transaction t, RespSession session) {
        CompletableFuture<List<Reply>> replies = CompletableFuture.completedFuture(new ArrayList<>());
        // Each queued command starts on the connection's event loop, which alone touches the session
        // (a command finishes on a core thread).
        Executor loop = session.connection().channel().eventLoop();
        for (List<byte[]> args : t.queued()) {
            replies = replies.thenComposeAsync(done -> table.dispatch(table.lookup(args), args, session)
                    .handle((reply, failure) -> {
                        done.add(failure == null ? reply : RespErrors.of(failure).reply());
                        return done;
                    }), loop);
        }
        return replies.thenApplyAsync(Reply::array, loop);
    }
}
