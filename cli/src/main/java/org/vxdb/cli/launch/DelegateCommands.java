package org.vxdb.cli.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vxdb.cli.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The commands that run an existing Java main in its own JVM, every argument passed on as given:
 * each module keeps its own classpath (the node and the coordinator log through logback, the
 * benchmarks through slf4j-simple) and its own heap.
 */
public final class DelegateCommands {

    private DelegateCommands() {
    }

    /** A command that runs {@link #mainClass()} of {@link #classpath(Launcher)} with the arguments. */
    abstract static class Delegate implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        abstract String mainClass();

        abstract String classpath(Launcher launcher);

        String heap() {
            return null;
        }

        List<String> arguments(Launcher launcher) {
            return args;
        }

        @Override
        public Integer call() {
            Launcher launcher = Launcher.fromEnvironment();
            List<String> arguments = arguments(launcher); // a usage error before a missing build
            List<String> cmd = launcher.javaCommand(heap(), classpath(launcher), mainClass(), arguments);
            return launcher.runForeground(cmd);
        }
    }

    @Command(name = "node",
            description = "Run one storage node: vxdb node --config FILE (ops/config/node.example.yaml)")
    public static final class Node extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.node.NodeMain";
        }

        @Override
        String classpath(Launcher l) {
            return l.moduleClasspath("storage-node");
        }
    }

    @Command(name = "coordinator", description = "Run one coordinator: vxdb coordinator --config FILE")
    public static final class Coordinator extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.coordinator.CoordinatorMain";
        }

        @Override
        String classpath(Launcher l) {
            return l.moduleClasspath("coordinator");
        }
    }

    @Command(name = "repair", description = "One anti-entropy pass over every cluster: vxdb repair --config FILE"
            + " [--collection NAME]")
    public static final class Repair extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.coordinator.CoordinatorMain";
        }

        @Override
        String classpath(Launcher l) {
            return l.moduleClasspath("coordinator");
        }

        @Override
        List<String> arguments(Launcher launcher) {
            List<String> a = new ArrayList<>(List.of("repair"));
            a.addAll(args);
            return a;
        }
    }

    /** The backup tool's commands ({@code org.vxdb.coordinator.backup.BackupMain}), run in a coordinator JVM. */
    abstract static class BackupTool extends Delegate {
        abstract String tool();

        @Override
        String mainClass() {
            return "org.vxdb.coordinator.backup.BackupMain";
        }

        @Override
        String classpath(Launcher l) {
            return l.moduleClasspath("coordinator");
        }

        @Override
        List<String> arguments(Launcher launcher) {
            List<String> a = new ArrayList<>(List.of(tool()));
            a.addAll(args);
            return a;
        }
    }

    @Command(name = "backup", description = "Back up a running cluster (docs/backup.md): vxdb backup --config FILE"
            + " --to DIR [--collection NAME]... [--buckets N] [--no-sync]")
    public static final class Backup extends BackupTool {
        @Override
        String tool() {
            return "backup";
        }
    }

    @Command(name = "restore", description = "Restore a backup into a cluster and verify it (docs/backup.md):"
            + " vxdb restore --config FILE --from DIR [--collection NAME]...")
    public static final class Restore extends BackupTool {
        @Override
        String tool() {
            return "restore";
        }
    }

    @Command(name = "verify-backup", description = "Check a backup is complete and undamaged:"
            + " vxdb verify-backup --from DIR")
    public static final class VerifyBackup extends BackupTool {
        @Override
        String tool() {
            return "verify";
        }
    }

    @Command(name = "keys", description = "API keys of a secured cluster: vxdb keys create|list|revoke [--config FILE]"
            + " (default: ops/config/local-secure/coordinator.yaml)")
    public static final class Keys extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.coordinator.security.KeysMain";
        }

        @Override
        String classpath(Launcher l) {
            return l.moduleClasspath("coordinator");
        }

        @Override
        List<String> arguments(Launcher launcher) {
            boolean configured = args.stream().anyMatch(a -> a.equals("--config") || a.equals("--file")
                    || a.startsWith("--config="));
            if (configured) {
                return args;
            }
            List<String> a = new ArrayList<>(List.of("--config",
                    launcher.home().resolve("ops/config/local-secure/coordinator.yaml").toString()));
            a.addAll(args);
            return a;
        }
    }

    @Command(name = "audit",
            description = "Check an audit log's hash chain: vxdb audit verify [--checkpoint SEQ:HASH]... FILE...")
    public static final class Audit extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.service.audit.AuditVerifyMain";
        }

        @Override
        String classpath(Launcher l) {
            return l.moduleClasspath("coordinator");
        }

        @Override
        List<String> arguments(Launcher launcher) {
            if (args.isEmpty() || !args.getFirst().equals("verify")) {
                throw new CliException("usage: vxdb audit verify [--checkpoint SEQ:HASH]... FILE...");
            }
            return args.subList(1, args.size());
        }
    }

    @Command(name = "selfcheck", description = "The index self-check (FAISS and pure Java, recall and latency on"
            + " sift-5k): vxdb selfcheck [DIR]")
    public static final class SelfCheck extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.bench.SelfCheck";
        }

        @Override
        String classpath(Launcher l) {
            return l.benchClasspath();
        }
    }

    @Command(name = "bench", description = "The load and recall generator: recall|search|ingest|mixed"
            + " (docs/benchmarks.md)")
    public static final class Bench extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.bench.load.LoadBench";
        }

        @Override
        String classpath(Launcher l) {
            return l.benchClasspath();
        }
    }

    @Command(name = "storage-bench", description = "The storage-engine benchmarks (ingest|search|restart ...)")
    public static final class StorageBench extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.bench.storage.StorageBench";
        }

        @Override
        String classpath(Launcher l) {
            return l.benchClasspath();
        }
    }

    @Command(name = "jmh", description = "JMH benchmarks (arguments go to JMH)")
    public static final class Jmh extends Delegate {
        @Override
        String mainClass() {
            return "org.openjdk.jmh.Main";
        }

        @Override
        String classpath(Launcher l) {
            return l.benchClasspath();
        }
    }

    @Command(name = "faiss-bench", description = "Search QPS of the SSE and the AVX2 FAISS on the same index"
            + " (docs/containers.md)")
    public static final class FaissBench extends Delegate {
        @Override
        String mainClass() {
            return "org.vxdb.bench.FaissVariantBench";
        }

        @Override
        String classpath(Launcher l) {
            return l.benchClasspath();
        }
    }
}
