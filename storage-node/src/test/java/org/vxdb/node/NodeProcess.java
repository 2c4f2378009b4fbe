package org.vxdb.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A storage node running as a real child process from the packaged artifact
 * ({@code target/vxdb-storage-node-*.jar} plus {@code target/lib}), as {@code ./vxdb node} runs it.
 */
public final class NodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final Path config;
    public final Path log;
    public final int grpcPort;
    public final int httpPort;
    private final Process process;

    private NodeProcess(Path config, Path log, int grpcPort, int httpPort, Process process) {
        this.config = config;
        this.log = log;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.process = process;
    }

    /** Writes a config for {@code dataDir} with free loopback ports and starts a node on it. */
    public static NodeProcess start(Path workDir, Path dataDir, String extraYaml) throws IOException {
        int grpc = freePort();
        int http = freePort();
        Files.createDirectories(workDir);
        Path config = workDir.resolve("node.yaml");
        Files.writeString(config, """
                node_id: it-node
                grpc:
                  listen: 127.0.0.1:%d
                http:
                  listen: 127.0.0.1:%d
                storage:
                  data_dirs: [%s]
                  native_memory_budget: 1GiB
                shutdown:
                  grace_period: 20s
                %s""".formatted(grpc, http, dataDir, extraYaml));
        return launch(config, workDir.resolve("node-" + System.nanoTime() + ".log"), grpc, http);
    }

    public static NodeProcess launch(Path config, Path log, int grpc, int http) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xmx512m",
                "-cp", System.getProperty("vxdb.node.jar") + ":" + System.getProperty("vxdb.node.lib") + "/*",
                "org.vxdb.node.NodeMain", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return new NodeProcess(config, log, grpc, http, pb.start());
    }

    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A loopback port free now, below Linux's ephemeral range (32768-60999): a port the kernel hands
     * out for bind(0) comes from that range, where every outgoing connection of every test process
     * also takes its local port, so between this check and the node's bind a client socket could take
     * it ("Address already in use"). Random ports from 20000-32767 avoid that race.
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_768);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free loopback port in 20000-32767 after 200 tries");
    }

    public String grpcTarget() {
        return "127.0.0.1:" + grpcPort;
    }

    /** Polls /readyz until 200; fails with the node's log if it dies or takes over two minutes. */
    public NodeProcess awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("node exited with " + process.exitValue() + " before it was ready:\n" + logText());
            }
            try {
                if (http("/readyz").statusCode() == 200) {
                    return this;
                }
            } catch (IOException notListeningYet) {
                // the HTTP server is not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("node not ready after 2 minutes:\n" + logText());
    }

    public HttpResponse<String> http(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, then the exit code (fails if the node does not exit within a minute). */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("node did not exit within a minute of SIGTERM:\n" + logText());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM without waiting. */
    public void signalTerm() {
        process.destroy();
    }

    public int waitForExit() throws InterruptedException {
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("node did not exit:\n" + logText());
        }
        return process.exitValue();
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL: the node gets no chance to sync or say goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(1, TimeUnit.MINUTES);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(1, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
