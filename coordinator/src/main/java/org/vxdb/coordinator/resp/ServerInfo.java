package org.vxdb.coordinator.resp;

import static org.vxdb.coordinator.resp.ConnectionCommands.done;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code INFO [section ...]}: the text Redis clients parse (ioredis reads {@code loading:0} before
 * it calls a connection ready and treats an INFO error as fatal). {@code redis_version} is the Redis
 * version whose commands this listener follows; {@code vxdb_version} is ours.
 */
final class ServerInfo {

    private final RespServerState server;
    private final Map<String, Function<Request, String>> sections = new LinkedHashMap<>();

    ServerInfo(RespServerState server) {
        this.server = server;
        sections.put("server", this::serverSection);
        sections.put("clients", this::clientsSection);
        sections.put("persistence", r -> "loading:0\r\nasync_loading:0\r\n");
        sections.put("stats", r -> "total_connections_received:" + server.connectionsReceived()
                + "\r\ntotal_commands_processed:" + server.commandsProcessed() + "\r\ntotal_error_replies:"
                + server.rejectedCommands() + "\r\n");
        sections.put("replication", r -> "role:master\r\nconnected_slaves:0\r\n");
        sections.put("keyspace", r -> "");
    }

    CommandSpec spec() {
        return CommandSpec.named("info", -1).flags("loading", "stale").group("server")
                .doc("INFO [section [section ...]]", "Describes the server: server, clients, persistence, stats,"
                        + " replication, keyspace (all by default).").handler(this::run);
    }

    private CompletionStage<Reply> run(Request r) {
        Set<String> wanted = new TreeSet<>();
        for (int i = 1; i < r.argc(); i++) {
            wanted.add(r.arg(i).toLowerCase(Locale.ROOT));
        }
        boolean all = wanted.isEmpty() || wanted.contains("all") || wanted.contains("default")
                || wanted.contains("everything");
        StringBuilder text = new StringBuilder();
        sections.forEach((name, body) -> {
            if (all || wanted.contains(name)) {
                if (!text.isEmpty()) {
                    text.append("\r\n");
                }
                text.append("# ").append(Character.toUpperCase(name.charAt(0))).append(name.substring(1))
                        .append("\r\n").append(body.apply(r));
            }
        });
        return done(new Reply.Verbatim(text.toString()));
    }

    private String serverSection(Request r) {
        int port = r.session().connection().channel().localAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
        long uptime = server.uptimeSeconds();
        return "redis_version:" + RespServerState.REDIS_COMPATIBLE_VERSION + "\r\n"
                + "vxdb_version:" + server.version() + "\r\n"
                + "redis_mode:standalone\r\n"
                + "os:" + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + "\r\n"
                + "arch_bits:64\r\n"
                + "process_id:" + ProcessHandle.current().pid() + "\r\n"
                + "tcp_port:" + port + "\r\n"
                + "server_time_usec:" + System.currentTimeMillis() * 1000 + "\r\n"
                + "uptime_in_seconds:" + uptime + "\r\n"
                + "uptime_in_days:" + uptime / 86_400 + "\r\n";
    }

    private String clientsSection(Request r) {
        return "connected_clients:" + server.connected() + "\r\n"
                + "maxclients:" + r.context().limits().maxConnections() + "\r\n";
    }
}
