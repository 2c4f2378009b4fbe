package org.vxdb.cli.launch;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vxdb.cli.CliException;
import org.vxdb.cli.client.ClientOptions;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.config.HostAndPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vxdb run}: a cluster on this machine from a config directory (default ops/config/local:
 * three nodes, RF 2, and a coordinator). Every {@code node-*.yaml} in it, then its
 * {@code coordinator.yaml}, each its own JVM, read through {@link NodeConfig} and
 * {@link CoordinatorConfig}; logs under data/logs (data/logs/DIR-NAME for another directory). Each
 * node must answer /readyz before the coordinator starts. Ctrl-C stops them all gracefully (the
 * nodes sync their WALs).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start a local cluster: every node-*.yaml and the coordinator.yaml of a config"
        + " directory (default ops/config/local: 3 nodes RF 2 + a coordinator, data in ./data)")
public final class RunCommand implements Callable<Integer> {

    /** How long a member may take to answer /readyz. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--config-dir", paramLabel = "DIR", description = "The config directory (default ops/config/local)")
    Path configDir;

    @Option(names = "--log-dir", paramLabel = "DIR",
            description = "Where the logs go (default data/logs, data/logs/DIR-NAME for another --config-dir)")
    Path logDir;

    @Option(names = "--secure", description = "The secured local cluster (ops/config/local-secure): TLS, API keys,"
            + " audit log; makes development certificates and a first admin key in data/secure")
    boolean secure;

    /** One process of the cluster. */
    record Member(String name, Path config, Path log, String grpc, String http, boolean coordinator) {
    }

    private final List<Process> processes = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Launcher launcher = Launcher.fromEnvironment();
        Path root = launcher.home();
        if (secure && configDir != null) {
            throw new CliException("run: give --secure or --config-dir, not both");
        }
        Path conf = secure ? root.resolve("ops/config/local-secure")
                : configDir == null ? root.resolve("ops/config/local") : configDir;
        if (secure) {
            prepareSecure(launcher, conf);
        }
        if (!Files.isDirectory(conf)) {
            throw new CliException("config directory '" + conf + "' does not exist");
        }
        conf = conf.toRealPath();
        Path local = root.resolve("ops/config/local");
        boolean defaultConf = Files.isDirectory(local) && Files.isSameFile(conf, local);
        Path logs = logDir != null ? logDir.toAbsolutePath().normalize()
                : defaultConf ? root.resolve("data/logs") : root.resolve("data/logs").resolve(conf.getFileName());

        List<Path> nodeFiles;
        try (Stream<Path> files = Files.list(conf)) {
            nodeFiles = files.filter(f -> f.getFileName().toString().matches("node-.*\\.yaml")).sorted().toList();
        }
        if (nodeFiles.isEmpty()) {
            throw new CliException(conf + " has no node-*.yaml");
        }
        Path coordinatorFile = conf.resolve("coordinator.yaml");
        if (!Files.isRegularFile(coordinatorFile)) {
            throw new CliException(conf + " has no coordinator.yaml");
        }

        List<Member> nodes = new ArrayList<>();
        List<Path> dataDirs = new ArrayList<>();
        for (Path f : nodeFiles) {
            NodeConfig c = NodeConfig.load(f);
            String grpc = fixedPort(c.server().grpc().listen(), f);
            String http = fixedPort(c.server().httpListen(), f);
            checkFree(f, grpc, http);
            nodes.add(new Member(c.nodeId(), f, logs.resolve(baseName(f) + ".log"), grpc, http, false));
            dataDirs.addAll(c.dataDirs());
        }
        CoordinatorConfig cc = CoordinatorConfig.load(coordinatorFile);
        String grpc = fixedPort(cc.server().grpc().listen(), coordinatorFile);
        String http = fixedPort(cc.server().httpListen(), coordinatorFile);
        HostAndPort restListen = cc.protocols().restListen();
        HostAndPort respListen = cc.protocols().respListen();
        String rest = restListen == null ? null : fixedPort(restListen, coordinatorFile);
        String resp = respListen == null ? null : fixedPort(respListen, coordinatorFile);
        List<String> coordinatorPorts = new ArrayList<>(List.of(grpc, http));
        if (rest != null) {
            coordinatorPorts.add(rest);
        }
        if (resp != null) {
            coordinatorPorts.add(resp);
        }
        checkFree(coordinatorFile, coordinatorPorts.toArray(String[]::new));
        Member coordinator = new Member("coordinator", coordinatorFile, logs.resolve("coordinator.log"), grpc, http,
                true);
        Topology topology = Topology.load(cc.topologyFile());

        Files.createDirectories(logs);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "vxdb-stop-cluster"));
        // Ctrl-C and TERM stop the cluster and end with 0, as a requested stop is not a failure.
        StopSignals.onStop(() -> {
            stopAll();
            System.exit(0);
        });
        for (Member n : nodes) {
            start(launcher, n, "-Xmx1g", launcher.moduleClasspath("storage-node"), "org.vxdb.node.NodeMain");
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitReady(nodes.get(i), processes.get(i));
        }
        start(launcher, coordinator, "-Xmx512m", launcher.moduleClasspath("coordinator"),
                "org.vxdb.coordinator.CoordinatorMain");
        awaitReady(coordinator, processes.getLast());

        PrintWriter out = spec.commandLine().getOut();
        if (defaultConf) {
            out.println("VxDB local cluster is up (data in " + root.resolve("data") + ", logs in " + logs + "):");
        } else {
            List<String> dirs = dataDirs.stream().map(d -> d.toAbsolutePath().normalize().toString()).toList();
            out.println("VxDB cluster of " + shown(root, conf) + " is up (data in " + String.join(", ", dirs)
                    + ", logs in " + logs + "):");
        }
        out.printf("  %-12s gRPC %-16s HTTP http://%s/metrics%n", coordinator.name(), grpc, http);
        for (Member n : nodes) {
            out.printf("  %-12s gRPC %-16s HTTP http://%s/readyz%n", n.name(), n.grpc(), n.http());
        }
        int clusters = topology.totalClusters();
        out.println("Topology: " + shown(root, cc.topologyFile()) + " (" + clusters + (clusters == 1 ? " cluster"
                : " clusters") + ", replication factor " + topology.replicationFactor() + "). API: docs/api.md.");
        boolean tls = cc.server().tls() != null;
        String s = tls ? "s" : "";
        out.println("Client protocols (docs/api.md):");
        out.printf("  %-10s %s%n", "grpc", grpc + (tls ? " (TLS)" : ""));
        if (rest != null) {
            out.printf("  %-10s %s%n", "rest", "http" + s + "://" + rest + "/v1/collections");
            out.printf("  %-10s %s%n", "websocket", "ws" + s + "://" + rest + "/v1/stream");
        }
        if (resp != null) {
            out.printf("  %-10s %s%n", "resp", resp + (tls ? " (TLS)" : ""));
        }
        if (rest != null) {
            out.println("Dashboard (docs/dashboard.md): http" + s + "://" + rest + "/dashboard/");
        }
        if (secure) {
            out.println("Secured (docs/security.md): CA data/secure/certs/ca.pem, first admin key"
                    + " data/secure/admin.key,");
            out.println("  audit log " + logs + "/audit.log. Try:");
            out.println("  curl --cacert data/secure/certs/ca.pem"
                    + " -H \"Authorization: Bearer $(cat data/secure/admin.key)\""
                    + " https://127.0.0.1:7110/v1/collections");
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        List<Member> members = new ArrayList<>(nodes);
        members.add(coordinator);
        int code = 0;
        for (int i = 0; i < members.size(); i++) {
            int exit = processes.get(i).waitFor();
            if (exit != 0 && !stopping.get()) {
                spec.commandLine().getErr().println("vxdb: " + members.get(i).name() + " exited with code " + exit
                        + "; see " + members.get(i).log());
                spec.commandLine().getErr().flush();
                code = 1;
            }
        }
        if (stopping.get()) {
            awaitStopped();
            return 0;
        }
        return code;
    }

    private void start(Launcher launcher, Member m, String heap, String classpath, String mainClass) {
        List<String> cmd = launcher.javaCommand(heap, classpath, mainClass, List.of("--config", m.config().toString()));
        ProcessBuilder pb = launcher.processBuilder(cmd).redirectErrorStream(true).redirectOutput(m.log().toFile());
        try {
            synchronized (processes) {
                processes.add(pb.start());
            }
        } catch (IOException e) {
            throw new CliException("cannot start " + m.name() + ": " + e.getMessage());
        }
    }

    /** Polls http://HTTP/readyz until it answers 200, the process exits, or {@link #READY_TIMEOUT} passes. */
    private void awaitReady(Member m, Process p) throws InterruptedException {
        URI uri = URI.create("http://" + m.http() + "/readyz");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("vxdb: " + m.name() + " did not become ready; see " + m.log());
        try {
            List<String> lines = Files.readAllLines(m.log(), StandardCharsets.UTF_8);
            lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(err::println);
        } catch (IOException e) {
            err.println("(cannot read " + m.log() + ": " + e.getMessage() + ")");
        }
        err.flush();
        stopAll();
        throw new CliException(m.name() + " did not become ready");
    }

    /** SIGTERM to every process still running (a graceful shutdown), then waits for each. Once. */
    private void stopAll() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        try {
            List<Process> running;
            synchronized (processes) {
                running = processes.stream().filter(Process::isAlive).toList();
            }
            if (running.isEmpty()) {
                return;
            }
            System.err.println("vxdb: stopping the local cluster");
            running.forEach(Process::destroy);
            running.forEach(Launcher::stop);
            System.err.println("vxdb: stopped");
        } finally {
            stopped.countDown();
        }
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HOST:PORT as a client reaches it; port 0 cannot be waited for. */
    static String fixedPort(HostAndPort listen, Path file) {
        if (listen.port() == 0) {
            throw new CliException(file + ": listen address '" + listen + "' needs a fixed port for vxdb run (port 0"
                    + " picks one at random)");
        }
        return ClientOptions.reachable(listen);
    }

    private static void checkFree(Path file, String... addresses) {
        for (String a : addresses) {
            int colon = a.lastIndexOf(':');
            String host = a.substring(0, colon).replace("[", "").replace("]", "");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, Integer.parseInt(a.substring(colon + 1))), 500);
            } catch (IOException e) {
                continue; // nothing listens: free
            }
            throw new CliException(file + ": " + a + " is already in use (is this cluster already running?)");
        }
    }

    private static String baseName(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n;
    }

    private static String shown(Path root, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
    }

    /**
     * The secured local cluster's files: a development CA and certificates (ops/security/dev-certs.sh,
     * kept when present) and a first admin key, made once into data/secure/admin.key (mode 600).
     */
    private static void prepareSecure(Launcher launcher, Path conf) throws IOException, InterruptedException {
        Path root = launcher.home();
        Path dir = root.resolve("data/secure");
        Process certs = new ProcessBuilder(root.resolve("ops/security/dev-certs.sh").toString(),
                dir.resolve("certs").toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (certs.waitFor() != 0) {
            throw new CliException("could not make the development certificates");
        }
        Path key = dir.resolve("admin.key");
        if (Files.isRegularFile(key) && Files.size(key) > 0) {
            return;
        }
        Path tmp = dir.resolve("admin.key.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        List<String> cmd = launcher.javaCommand(null, launcher.moduleClasspath("coordinator"),
                "org.vxdb.coordinator.security.KeysMain", List.of("--config",
                        conf.resolve("coordinator.yaml").toString(), "create", "--role", "admin", "--name",
                        "local admin (./vxdb run --secure)", "--quiet"));
        Process p = launcher.processBuilder(cmd).redirectOutput(tmp.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new CliException("could not make the first admin key");
        }
        Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE);
    }
}
