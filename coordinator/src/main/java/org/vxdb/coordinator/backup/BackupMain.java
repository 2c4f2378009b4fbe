package org.vxdb.coordinator.backup;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A temporary command line over {@link BackupRunner}, {@link RestoreRunner} and
 * {@link BackupVerifier} until the {@code vxdb} CLI has {@code backup} and {@code restore}:
 *
 * <pre>
 * backup  --config coordinator.yaml --to DIR [--collection NAME]... [--buckets N] [--no-sync]
 * restore --config coordinator.yaml --from DIR [--collection NAME]...
 * verify  --from DIR
 * </pre>
 *
 * Exit code 0 on success, 1 when the operation failed (one line on stderr), 2 for bad usage.
 */
public final class BackupMain {

    static final String USAGE = """
            usage: backup  --config coordinator.yaml --to DIR [--collection NAME]... [--buckets N] [--no-sync]
                   restore --config coordinator.yaml --from DIR [--collection NAME]...
                   verify  --from DIR""";

    private BackupMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String command = args[0];
        Path config = null;
        Path dir = null;
        int buckets = 0;
        boolean sync = true;
        List<String> collections = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> config = Path.of(value(args, ++i, "--config"));
                    case "--to", "--from" -> dir = Path.of(value(args, ++i, args[i - 1]));
                    case "--collection" -> collections.add(value(args, ++i, "--collection"));
                    case "--buckets" -> buckets = Integer.parseInt(value(args, ++i, "--buckets"));
                    case "--no-sync" -> sync = false;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (dir == null || (config == null && !command.equals("verify"))) {
                throw new IllegalArgumentException("missing " + (dir == null ? "the backup directory" : "--config"));
            }
        } catch (IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try {
            switch (command) {
                case "backup" -> BackupRunner.run(new BackupOptions(config, dir, collections, buckets,
                        BackupOptions.CHUNK_BYTES_DEFAULT, sync, BackupOptions.STREAM_TIMEOUT_DEFAULT, out::println));
                case "restore" -> RestoreRunner.run(RestoreOptions.of(config, dir).withCollections(collections)
                        .withProgress(out::println));
                case "verify" -> {
                    BackupManifest m = BackupVerifier.verify(dir);
                    out.println("backup " + dir.toAbsolutePath() + " is complete and intact: "
                            + m.collections().size() + " collections, " + m.totals().files() + " files, "
                            + m.totals().records() + " records");
                }
                default -> {
                    err.println("unknown command " + command + "\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (BackupException | IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
