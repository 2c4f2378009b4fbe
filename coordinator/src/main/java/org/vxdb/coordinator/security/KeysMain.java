package org.vxdb.coordinator.security;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.service.config.ConfigException;

/**
 * {@code vxdb keys}: creates, lists and revokes API keys in a cluster's keys file (the file named by
 * {@code security.keys_file} of a coordinator config, or given directly). Coordinators read the file
 * again within {@code security.reload_interval}, so a new or revoked key takes effect without a restart.
 *
 * <pre>
 * keys create --role ROLE[,ROLE] [--collection NAME[,NAME]] [--name TEXT] [--quiet]
 * keys list
 * keys revoke ID
 * with --config COORDINATOR_YAML or --file KEYS_FILE before or after the command
 * </pre>
 *
 * Exit status: 0 done, 1 failed (the reason on stderr), 2 wrong usage.
 */
public final class KeysMain {

    static final String USAGE = """
            usage: keys [--config COORDINATOR_YAML | --file KEYS_FILE] COMMAND
              create --role ROLE[,ROLE] [--collection NAME[,NAME]] [--name TEXT] [--quiet]
                     roles: admin (collections and everything else), write, read
              list
              revoke ID""";

    private KeysMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        Path file = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "--file" -> {
                    if (i + 1 >= args.length) {
                        return usage(err, args[i] + " needs a value");
                    }
                    if (args[i].equals("--config")) {
                        config = Path.of(args[++i]);
                    } else {
                        file = Path.of(args[++i]);
                    }
                }
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            return usage(err, "no command");
        }
        try {
            Path keysFile = file != null ? file : keysFileOf(config);
            ApiKeyStore store = ApiKeyStore.open(keysFile);
            List<String> params = rest.subList(1, rest.size());
            return switch (rest.getFirst()) {
                case "create" -> create(store, params, out, err);
                case "list" -> params.isEmpty() ? list(store, out) : usage(err, "list takes no arguments");
                case "revoke" -> params.size() == 1 ? revoke(store, params.getFirst(), out)
                        : usage(err, "revoke takes one key id");
                default -> usage(err, "unknown command '" + rest.getFirst() + "'");
            };
        } catch (IllegalArgumentException | ConfigException | ApiKeyStore.KeyFileException e) {
            err.println("keys: " + e.getMessage());
            return 1;
        }
    }

    private static Path keysFileOf(Path config) {
        if (config == null) {
            throw new IllegalArgumentException("say which keys file: --config COORDINATOR_YAML or --file KEYS_FILE");
        }
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("no config file " + config);
        }
        SecuritySettings s = CoordinatorConfig.load(config).security();
        if (s.keysFile() == null) {
            throw new IllegalArgumentException(config + " sets no security.keys_file");
        }
        return s.keysFile();
    }

    private static int create(ApiKeyStore store, List<String> params, PrintStream out, PrintStream err) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        List<String> collections = new ArrayList<>();
        String name = "";
        boolean quiet = false;
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            if (p.equals("--quiet")) {
                quiet = true;
                continue;
            }
            if (!List.of("--role", "--collection", "--name").contains(p)) {
                return usage(err, "create: unknown option '" + p + "'");
            }
            if (i + 1 >= params.size()) {
                return usage(err, p + " needs a value");
            }
            String v = params.get(++i);
            switch (p) {
                case "--role" -> Arrays.stream(v.split(",")).map(Role::parse).forEach(roles::add);
                case "--collection" -> Arrays.stream(v.split(",")).map(String::strip).filter(c -> !c.isEmpty())
                        .forEach(collections::add);
                default -> name = v;
            }
        }
        if (roles.isEmpty()) {
            return usage(err, "create: --role is required (admin, write or read)");
        }
        ApiKeyToken token = store.create(name, roles, collections);
        if (quiet) {
            out.println(token.text());
            return 0;
        }
        ApiKey k = store.get(token.id());
        out.println("created key " + k.id() + " (roles: " + k.grants().rolesText() + "; collections: "
                + k.grants().collectionsText() + ") in " + store.file());
        out.println(token.text());
        out.println("This is the only time the key is shown: store it now. Coordinators take it within"
                + " security.reload_interval.");
        return 0;
    }

    private static int list(ApiKeyStore store, PrintStream out) {
        out.printf("%-12s  %-8s  %-17s  %-20s  %-20s  %s%n", "ID", "STATE", "ROLES", "COLLECTIONS", "CREATED", "NAME");
        for (ApiKey k : store.list()) {
            out.printf("%-12s  %-8s  %-17s  %-20s  %-20s  %s%n", k.id(), k.live() ? "live" : "revoked",
                    k.grants().rolesText(), k.grants().collectionsText(), k.created().toString().substring(0, 19) + "Z",
                    k.name());
        }
        return 0;
    }

    private static int revoke(ApiKeyStore store, String id, PrintStream out) {
        ApiKey k = store.revoke(id);
        out.println("revoked key " + k.id() + " at " + k.revoked() + "; coordinators refuse it within"
                + " security.reload_interval, on open connections too");
        return 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("keys: " + problem);
        err.println(USAGE);
        return 2;
    }
}
