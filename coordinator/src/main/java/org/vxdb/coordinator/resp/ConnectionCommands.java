package org.vxdb.coordinator.resp;

import static java.util.concurrent.CompletableFuture.completedFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.security.ApiKeyToken;
import org.vxdb.coordinator.security.Security;

/**
 * The commands every Redis client sends around its real work: PING, ECHO, HELLO, AUTH, SELECT,
 * QUIT, RESET, plus CLIENT, INFO and COMMAND from their own classes. They answer at once, with
 * Redis's own replies and error texts, so that clients connect and negotiate as with Redis.
 */
final class ConnectionCommands {

    static final String NO_PASSWORD = "AUTH <password> called without any password configured for the default user."
            + " Are you sure your configuration is correct?";
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String DEFAULT_USER = "default";

    static final String HELLO_NOAUTH = "HELLO must be called with the client already authenticated, otherwise the"
            + " HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP"
            + " protocol version at the same time";

    private final CommandTable table;
    private final RespServerState server;
    private final Security security;

    ConnectionCommands(CommandTable table, RespServerState server, Security security) {
        this.table = table;
        this.server = server;
        this.security = security;
    }

    List<CommandSpec> specs() {
        List<CommandSpec> specs = new ArrayList<>(List.of(
                CommandSpec.named("ping", -1).flags("fast").group("connection")
                        .doc("PING [message]", "Returns PONG, or the message.").handler(this::ping),
                CommandSpec.named("echo", 2).flags("fast").group("connection")
                        .doc("ECHO message", "Returns the message.").handler(r -> done(Reply.bulk(r.raw(1)))),
                CommandSpec.named("hello", -1).flags("noscript", "loading", "stale", "fast").group("connection")
                        .since("6.0.0").doc("HELLO [protover [AUTH username password] [SETNAME clientname]]",
                                "Switches the protocol (2 or 3) and describes the server.").handler(this::hello),
                CommandSpec.named("auth", -2).flags("noscript", "loading", "stale", "fast").group("connection")
                        .doc("AUTH [username] password", "Authenticates the connection (no passwords are"
                                + " configured yet: the default user needs none).").handler(this::auth),
                CommandSpec.named("select", 2).flags("loading", "stale", "fast").group("connection")
                        .doc("SELECT index", "Selects database 0, the only one.").handler(this::select),
                CommandSpec.named("quit", -1).flags("noscript", "loading", "stale", "fast").group("connection")
                        .doc("QUIT", "Closes the connection after replying OK.").handler(r -> done(Reply.OK)),
                CommandSpec.named("reset", 1).flags("noscript", "loading", "stale", "fast").group("connection")
                        .since("6.2.0").doc("RESET", "Resets the connection: RESP2, no name.").handler(this::reset)));
        specs.add(new ClientCommand(server).spec());
        specs.add(new ServerInfo(server).spec());
        specs.add(new CommandIntrospection(table).spec());
        return specs;
    }

    static CompletionStage<Reply> done(Reply reply) {
        return completedFuture(reply);
    }

    private CompletionStage<Reply> ping(Request r) {
        if (r.argc() > 2) {
            throw CommandException.wrongArity("ping");
        }
        return done(r.argc() == 1 ? Reply.status("PONG") : Reply.bulk(r.raw(1)));
    }

    private CompletionStage<Reply> hello(Request r) {
        int version = 0;
        int next = 1;
        if (r.argc() >= 2) {
            Long v = RespNumbers.parseLong(r.arg(next++));
            if (v == null) {
                throw CommandException.err("Protocol version is not an integer or out of range");
            }
            if (v < 2 || v > 3) {
                throw CommandException.withCode("NOPROTO unsupported protocol version");
            }
            version = v.intValue();
        }
        String name = null;
        boolean authenticated = false;
        for (int i = next; i < r.argc(); i++) {
            int more = r.argc() - 1 - i;
            String option = r.keyword(i);
            if (option.equals("AUTH") && more >= 2) {
                authenticate(r, r.arg(i + 1), r.arg(i + 2));
                authenticated = true;
                i += 2;
            } else if (option.equals("SETNAME") && more >= 1) {
                name = ClientCommand.validName(r.arg(i + 1));
                i++;
            } else {
                throw CommandException.err("Syntax error in HELLO option '" + r.arg(i) + "'");
            }
        }
        RespSession session = r.session();
        if (security.enabled() && !authenticated) {
            try {
                security.requireAuthenticated(session.caller(), r.call().requestId(), "HELLO");
            } catch (VxdbException e) {
                throw CommandException.withCode("NOAUTH " + (session.caller().authenticated() ? e.getMessage()
                        : HELLO_NOAUTH));
            }
        }
        if (name != null) {
            session.name(name);
        }
        if (version != 0) {
            session.protocol(version);
        }
        return done(Reply.map()
                .put("server", "vxdb")
                .put("version", server.version())
                .put("proto", session.protocol())
                .put("id", session.id())
                .put("mode", "standalone")
                .put("role", "master")
                .put("modules", Reply.EMPTY_ARRAY)
                .build());
    }

    private CompletionStage<Reply> auth(Request r) {
        if (r.argc() > 3) {
            throw CommandException.syntax();
        }
        if (r.argc() == 2) {
            if (!security.enabled()) {
                throw CommandException.err(NO_PASSWORD);
            }
            authenticate(r, DEFAULT_USER, r.arg(1));
        } else {
            authenticate(r, r.arg(1), r.arg(2));
        }
        return done(Reply.OK);
    }

    /**
     * With security off only the default user exists, and it takes any password. With security on,
     * the password is the API key or token (user {@code default}), or the user is a key's id and the
     * password its secret. A refused credential is {@code WRONGPASS} with the reason.
     */
    private void authenticate(Request r, String user, String password) {
        if (!security.enabled()) {
            if (!user.equals(DEFAULT_USER)) {
                throw CommandException.withCode(WRONGPASS);
            }
            return;
        }
        String credential = user.equals(DEFAULT_USER) || !ApiKeyToken.isKeyId(user) ? password
                : ApiKeyToken.PREFIX + user + "_" + password;
        RespSession session = r.session();
        try {
            session.caller(security.authenticate(credential, session.connection().remoteAddress(),
                    session.connection().protocol(), r.call().requestId()));
        } catch (VxdbException e) {
            throw CommandException.withCode("WRONGPASS " + e.getMessage());
        }
    }

    private CompletionStage<Reply> select(Request r) {
        long db = r.integer(1);
        if (db != 0) {
            throw CommandException.err("DB index is out of range");
        }
        return done(Reply.OK);
    }

    private CompletionStage<Reply> reset(Request r) {
        r.session().reset();
        return done(Reply.status("RESET"));
    }
}
