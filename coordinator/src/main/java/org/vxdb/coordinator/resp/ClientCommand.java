package org.vxdb.coordinator.resp;

import static org.vxdb.coordinator.resp.ConnectionCommands.done;

import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * {@code CLIENT SETNAME | GETNAME | ID | INFO | LIST | SETINFO | HELP}: what redis-py, ioredis
 * and redis-cli send to name and tag their connections.
 */
final class ClientCommand {

    private static final String[] HELP = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME", "    Return the name of the current connection.",
        "ID", "    Return the ID of the current connection.",
        "INFO", "    Return information about the current client connection.",
        "LIST", "    Return information about client connections.",
        "SETINFO <option> <value>", "    Set client meta attr. Options are LIB-NAME and LIB-VER.",
        "SETNAME <name>", "    Assign the name <name> to the current connection.",
        "HELP", "    Print this help."};

    private final RespServerState server;

    ClientCommand(RespServerState server) {
        this.server = server;
    }

    CommandSpec spec() {
        return CommandSpec.named("client", -2).flags("noscript", "loading", "stale").group("connection")
                .doc("CLIENT SETNAME name | GETNAME | ID | INFO | LIST | SETINFO LIB-NAME|LIB-VER value | HELP",
                        "Names and describes client connections.").handler(this::run);
    }

    private CompletionStage<Reply> run(Request r) {
        String sub = r.keyword(1);
        RespSession session = r.session();
        switch (sub) {
            case "SETNAME" -> {
                arity(r, 3, "setname");
                session.name(validName(r.arg(2)));
                return done(Reply.OK);
            }
            case "GETNAME" -> {
                arity(r, 2, "getname");
                return done(session.name().isEmpty() ? Reply.NULL : Reply.bulk(session.name()));
            }
            case "ID" -> {
                arity(r, 2, "id");
                return done(Reply.integer(session.id()));
            }
            case "INFO" -> {
                arity(r, 2, "info");
                return done(new Reply.Verbatim(session.infoLine()));
            }
            case "LIST" -> {
                StringBuilder all = new StringBuilder();
                server.sessions().forEach(s -> all.append(s.infoLine()));
                return done(new Reply.Verbatim(all.toString()));
            }
            case "SETINFO" -> {
                arity(r, 4, "setinfo");
                setInfo(session, r.arg(2), r.arg(3));
                return done(Reply.OK);
            }
            case "HELP" -> {
                return done(Reply.array(java.util.Arrays.stream(HELP).map(Reply::status).toList()));
            }
            default -> throw CommandException.err("unknown subcommand '" + r.arg(1) + "'. Try CLIENT HELP.");
        }
    }

    private static void arity(Request r, int argc, String sub) {
        if (r.argc() != argc) {
            throw CommandException.wrongArity("client|" + sub);
        }
    }

    private static void setInfo(RespSession session, String attribute, String value) {
        String attr = attribute.toLowerCase(Locale.ROOT);
        if (!attr.equals("lib-name") && !attr.equals("lib-ver")) {
            throw CommandException.err("Unrecognized option '" + attribute + "'");
        }
        if (!printable(value)) {
            throw CommandException.err(attr + " cannot contain spaces, newlines or special characters.");
        }
        if (attr.equals("lib-name")) {
            session.libName(value);
        } else {
            session.libVersion(value);
        }
    }

    /** A client name as Redis allows it: printable ASCII without spaces; empty clears the name. */
    static String validName(String name) {
        if (!printable(name)) {
            throw CommandException.err("Client names cannot contain spaces, newlines or special characters.");
        }
        return name;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
