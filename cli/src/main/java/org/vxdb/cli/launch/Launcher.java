package org.vxdb.cli.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.vxdb.cli.CliException;

/**
 * Starts the JVMs the CLI runs: a storage node, a coordinator, the benchmarks. Each is
 * {@code java @ops/jvm.args [heap] $VXDB_JAVA_OPTS -cp <module classpath> <main> <args>} with the
 * java of this JVM, the flags every VxDB JVM needs read from the one argument file, and the
 * classpath the build left in the module's {@code target/} (its jar or classes and {@code target/lib}).
 */
public final class Launcher {

    /** System property the bash launcher sets to the repository root. */
    public static final String HOME_PROPERTY = "vxdb.home";
    /** The argument file with the flags of every VxDB JVM, relative to the root. */
    public static final String JVM_ARGS_FILE = "ops/jvm.args";
    /** Extra JVM options from the environment, split on whitespace. */
    public static final String JAVA_OPTS_ENV = "VXDB_JAVA_OPTS";
    /** How long a stopped child may take to shut down gracefully before it is killed. */
    public static final long STOP_WAIT_SECONDS = 60;

    private final Path home;

    public Launcher(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /** The repository root: {@code -Dvxdb.home}, else the working directory. */
    public static Launcher fromEnvironment() {
        String h = System.getProperty(HOME_PROPERTY);
        return new Launcher(Path.of(h == null ? "" : h));
    }

    public Path home() {
        return home;
    }

    public Path jvmArgsFile() {
        Path f = home.resolve(JVM_ARGS_FILE);
        if (!Files.isRegularFile(f)) {
            throw new CliException(f + " is missing: run vxdb from the repository (./vxdb sets -D" + HOME_PROPERTY
                    + ")");
        }
        return f;
    }

    /** The packaged jar of a module (not its -tests.jar) and its runtime dependencies. */
    public String moduleClasspath(String module) {
        Path target = home.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            Path jar = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("vxdb-" + module + "-") && n.endsWith(".jar") && !n.endsWith("-tests.jar");
            }).sorted().findFirst().orElseThrow(() -> notBuilt(module));
            return jar + java.io.File.pathSeparator + target.resolve("lib") + "/*";
        } catch (IOException e) {
            throw notBuilt(module);
        }
    }

    /** The bench module runs from its classes (JMH's generated benchmarks are there). */
    public String benchClasspath() {
        Path target = home.resolve("bench").resolve("target");
        if (!Files.isDirectory(target.resolve("classes"))) {
            throw notBuilt("bench");
        }
        return target.resolve("classes") + java.io.File.pathSeparator + target.resolve("lib") + "/*";
    }

    private CliException notBuilt(String module) {
        return new CliException(module + " is not built (no " + home.resolve(module).resolve("target")
                + " jar): run ./vxdb, which builds first, or ./mvnw install -DskipTests");
    }

    /** The command line of a child JVM. {@code heap} may be null (the JVM's default). */
    public List<String> javaCommand(String heap, String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + jvmArgsFile());
        if (heap != null) {
            cmd.add(heap);
        }
        String opts = System.getenv(JAVA_OPTS_ENV);
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(Arrays.asList(opts.strip().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** A process builder for a child JVM, with the OpenMP setting the engine wants on shared cores. */
    public ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        // Spinning OpenMP workers stall badly when other processes share the cores.
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().putIfAbsent("OPENBLAS_NUM_THREADS", "1");
        return pb;
    }

    /**
     * Runs a child JVM in the foreground with this terminal (stdin, stdout, stderr) and returns its
     * exit code. Ctrl-C reaches it directly (same process group); a SIGINT or SIGTERM to this JVM is
     * passed on as SIGTERM, and this JVM waits for the child's graceful stop and exits with its code.
     */
    public int runForeground(List<String> command) {
        Process p;
        try {
            p = processBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new CliException("cannot start " + command.getFirst() + ": " + e.getMessage());
        }
        StopSignals.onStop(p::destroy);
        Thread stopper = new Thread(() -> stop(p), "vxdb-stop-child");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            int code = p.waitFor();
            Runtime.getRuntime().removeShutdownHook(stopper);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(p);
            return 130;
        } catch (IllegalStateException e) {
            return p.exitValue(); // shutting down: the hook stops the child
        }
    }

    /** Asks a child to stop (SIGTERM: a graceful shutdown), then kills it after {@link #STOP_WAIT_SECONDS}. */
    public static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
