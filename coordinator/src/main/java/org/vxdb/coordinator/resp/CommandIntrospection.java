package org.vxdb.coordinator.resp;

import static org.vxdb.coordinator.resp.ConnectionCommands.done;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code COMMAND}, {@code COMMAND COUNT | LIST | INFO | DOCS}: the command table as Redis 7
 * describes its own. redis-cli reads COMMAND DOCS at start for its help and hints.
 */
final class CommandIntrospection {

    private final CommandTable table;

    CommandIntrospection(CommandTable table) {
        this.table = table;
    }

    CommandSpec spec() {
        return CommandSpec.named("command", -1).flags("loading", "stale").group("server").since("2.8.13")
                .doc("COMMAND [COUNT | LIST | INFO [name ...] | DOCS [name ...]]",
                        "Describes the commands this server knows.").handler(this::run);
    }

    private CompletionStage<Reply> run(Request r) {
        if (r.argc() == 1) {
            return done(Reply.array(table.all().stream().map(CommandIntrospection::info).toList()));
        }
        String sub = r.keyword(1);
        return switch (sub) {
            case "COUNT" -> {
                requireArity(r, 2, "count");
                yield done(Reply.integer(table.all().size()));
            }
            case "LIST" -> done(Reply.array(table.all().stream().map(s -> Reply.bulk(s.name())).toList()));
            case "INFO" -> done(infoOf(r));
            case "DOCS" -> done(docsOf(r));
            default -> throw CommandException.err("unknown subcommand '" + r.arg(1) + "'. Try COMMAND HELP.");
        };
    }

    private static void requireArity(Request r, int argc, String sub) {
        if (r.argc() != argc) {
            throw CommandException.wrongArity("command|" + sub);
        }
    }

    private Reply infoOf(Request r) {
        if (r.argc() == 2) {
            return Reply.array(table.all().stream().map(CommandIntrospection::info).toList());
        }
        List<Reply> out = new ArrayList<>();
        for (int i = 2; i < r.argc(); i++) {
            CommandSpec s = table.get(r.arg(i));
            out.add(s == null ? Reply.NULL_ARRAY : info(s));
        }
        return Reply.array(out);
    }

    private Reply docsOf(Request r) {
        Reply.MapBuilder docs = Reply.map();
        if (r.argc() == 2) {
            table.all().forEach(s -> docs.put(s.name(), doc(s)));
        } else {
            for (int i = 2; i < r.argc(); i++) {
                CommandSpec s = table.get(r.arg(i));
                if (s != null) {
                    docs.put(s.name(), doc(s));
                }
            }
        }
        return docs.build();
    }

    /**
     * Redis 7's command info: name, arity, flags, first key, last key, step, ACL categories, tips,
     * key specs, subcommands.
     */
    static Reply info(CommandSpec s) {
        return Reply.array(
                Reply.bulk(s.name()),
                Reply.integer(s.arity()),
                new Reply.Set(s.flags().stream().map(Reply::status).toList()),
                Reply.integer(s.firstKey()),
                Reply.integer(s.firstKey()),
                Reply.integer(s.firstKey() == 0 ? 0 : 1),
                new Reply.Set(List.of()),
                new Reply.Set(List.of()),
                Reply.EMPTY_ARRAY,
                Reply.EMPTY_ARRAY);
    }

    private static Reply doc(CommandSpec s) {
        String summary = s.syntax().isEmpty() ? s.summary() : s.syntax() + " -- " + s.summary();
        return Reply.map()
                .put("summary", summary)
                .put("since", s.since())
                .put("group", s.group())
                .build();
    }
}
