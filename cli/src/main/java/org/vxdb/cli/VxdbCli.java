package org.vxdb.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.vxdb.cli.capacity.CapacityCommand;
import org.vxdb.cli.client.CollectionsCommand;
import org.vxdb.cli.client.GrpcErrors;
import org.vxdb.cli.client.SearchCommand;
import org.vxdb.cli.client.StatusCommand;
import org.vxdb.cli.launch.DelegateCommands;
import org.vxdb.cli.launch.RunCommand;
import org.vxdb.cli.load.ImportCommand;
import org.vxdb.service.config.ConfigException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vxdb} command line. The bash launcher {@code ./vxdb} finds the JDK, installs
 * dependencies and builds, then runs this class with every argument. Errors a user can fix print
 * one line, {@code vxdb: <reason>}, on stderr and exit non-zero.
 */
@Command(name = "vxdb", mixinStandardHelpOptions = true, versionProvider = VxdbCli.Version.class,
        description = "VxDB, a distributed vector database: run a local cluster, manage and query a running one.",
        subcommands = {
            RunCommand.class,
            DelegateCommands.Node.class,
            DelegateCommands.Coordinator.class,
            DelegateCommands.Repair.class,
            DelegateCommands.Backup.class,
            DelegateCommands.Restore.class,
            DelegateCommands.VerifyBackup.class,
            DelegateCommands.Keys.class,
            DelegateCommands.Audit.class,
            DelegateCommands.SelfCheck.class,
            DelegateCommands.Bench.class,
            DelegateCommands.StorageBench.class,
            DelegateCommands.Jmh.class,
            DelegateCommands.FaissBench.class,
            CollectionsCommand.class,
            ImportCommand.class,
            SearchCommand.class,
            StatusCommand.class,
            CapacityCommand.class,
            VxdbCli.CompletionCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class VxdbCli {

    /** Exit code for a command line picocli cannot parse. */
    public static final int USAGE = 2;

    /** The CLI's own logging setup (warnings only, on stderr), not the node's or the coordinator's. */
    static final String LOGBACK_CONFIG = "vxdb-cli-logback.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** The command tree with the error handling every command shares. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new VxdbCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("vxdb: " + userMessage(e));
            commandLine.getErr().flush();
            return e instanceof CliException c ? c.exitCode() : CliException.FAILED;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            String name = qualifiedName(c);
            String message = e.getMessage();
            if (e instanceof CommandLine.UnmatchedArgumentException u && name.isEmpty() && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().getFirst().startsWith("-")) {
                message = "unknown command '" + u.getUnmatched().getFirst() + "'";
            }
            c.getErr().println("vxdb: " + message + " (try: vxdb " + (name.isEmpty() ? "" : name + " ") + "--help)");
            c.getErr().flush();
            return USAGE;
        });
        return cli;
    }

    private static String qualifiedName(CommandLine c) {
        String name = c.getCommandSpec().qualifiedName(" ");
        return name.startsWith("vxdb ") ? name.substring(5) : name.equals("vxdb") ? "" : name;
    }

    /** One line for a failure: the message of a user error, the gRPC status, or the exception itself. */
    static String userMessage(Exception e) {
        return switch (e) {
            case CliException c -> c.getMessage();
            case StatusRuntimeException s -> GrpcErrors.describe(s);
            case ConfigException c -> c.getMessage();
            case IllegalArgumentException i -> i.getMessage();
            case UncheckedIOException u -> u.getCause().getMessage();
            default -> e.toString();
        };
    }

    /** {@code vxdb completion}: a bash completion script for every command and option. */
    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = "Print a bash completion script: source <(vxdb completion)")
    static final class CompletionCommand implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            CommandLine root = spec.root().commandLine();
            spec.commandLine().getOut().print(AutoComplete.bash("vxdb", root));
            spec.commandLine().getOut().flush();
        }
    }

    /** The version of the jar this runs from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VxdbCli.class.getPackage().getImplementationVersion();
            return new String[] {"vxdb " + (v == null ? "(development build)" : v)};
        }
    }
}
