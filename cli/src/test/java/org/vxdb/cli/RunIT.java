package org.vxdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vxdb run} as an operator runs it: the command line in its own JVM starts a node and a
 * coordinator from a config directory as child JVMs (from the modules' packaged jars), prints the
 * summary once both are ready, and stops both gracefully on SIGTERM.
 */
class RunIT {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldStartTheClusterOfAConfigDirectoryAndStopItOnTerm(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("two"));
        int nodeGrpc = freePort();
        int nodeHttp = freePort();
        int grpc = freePort();
        int http = freePort();
        int rest = freePort();
        Files.writeString(conf.resolve("node-1.yaml"), """
                node_id: node-a
                grpc: {listen: "127.0.0.1:%d"}
                http: {listen: "127.0.0.1:%d"}
                storage: {data_dirs: [data/node-a], native_memory_budget: 256MiB}
                collection_defaults: {buffer_rows: 1000}
                """.formatted(nodeGrpc, nodeHttp));
        Files.writeString(conf.resolve("topology.yaml"), """
                total_clusters: 2
                replication_factor: 1
                nodes:
                  - {id: node-a, address: "127.0.0.1:%d"}
                ranges:
                  - {clusters: 0-1, replicas: [node-a]}
                """.formatted(nodeGrpc));
        Files.writeString(conf.resolve("coordinator.yaml"), """
                coordinator_id: coord-run
                grpc: {listen: "127.0.0.1:%d"}
                http: {listen: "127.0.0.1:%d"}
                rest: {listen: "127.0.0.1:%d"}
                resp: {listen: "off"}
                topology: {file: topology.yaml}
                write: {hints_dir: data/hints}
                """.formatted(grpc, http, rest));
        Path logs = dir.resolve("logs");
        Path out = dir.resolve("run.out");
        Path err = dir.resolve("run.err");
        Path project = Path.of(System.getProperty("vxdb.project.dir"));
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dvxdb.home=" + project, "-cp", System.getProperty("java.class.path"), VxdbCli.class.getName(),
                "run", "--config-dir", conf.toString(), "--log-dir", logs.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!Files.readString(out).contains("Press Ctrl-C to stop.")) {
                if (!run.isAlive() || System.nanoTime() > deadline) {
                    fail("vxdb run did not come up:\n" + Files.readString(out) + Files.readString(err));
                }
                Thread.sleep(200);
            }
            Path real = conf.toRealPath();
            assertEquals(List.of(
                    "VxDB cluster of " + real + " is up (data in " + real.resolve("data/node-a") + ", logs in " + logs
                            + "):",
                    String.format("  %-12s gRPC %-16s HTTP http://127.0.0.1:%d/metrics", "coordinator",
                            "127.0.0.1:" + grpc, http),
                    String.format("  %-12s gRPC %-16s HTTP http://127.0.0.1:%d/readyz", "node-a",
                            "127.0.0.1:" + nodeGrpc, nodeHttp),
                    "Topology: " + real.resolve("topology.yaml") + " (2 clusters, replication factor 1). API:"
                            + " docs/api.md.",
                    "Client protocols (docs/api.md):",
                    "  grpc       127.0.0.1:" + grpc,
                    "  rest       http://127.0.0.1:" + rest + "/v1/collections",
                    "  websocket  ws://127.0.0.1:" + rest + "/v1/stream",
                    "Dashboard (docs/dashboard.md): http://127.0.0.1:" + rest + "/dashboard/",
                    "Press Ctrl-C to stop."), Files.readAllLines(out));
            assertTrue(Files.exists(logs.resolve("node-1.log")) && Files.exists(logs.resolve("coordinator.log")));

            CliRun status = CliRun.of("status", "--rest", "127.0.0.1:" + rest);
            assertEquals(0, status.code(), status.toString());
            assertTrue(status.out().contains("1 of 1 nodes ready"), status.out());

            CliRun again = CliRun.of("run", "--config-dir", conf.toString());
            assertEquals("vxdb: " + real.resolve("node-1.yaml") + ": 127.0.0.1:" + nodeGrpc
                    + " is already in use (is this cluster already running?)\n", again.err());

            List<ProcessHandle> children = run.children().toList();
            assertEquals(2, children.size(), "a node and a coordinator");
            run.destroy(); // SIGTERM, as Ctrl-C or a service manager
            assertTrue(run.waitFor(2, TimeUnit.MINUTES), "vxdb run stops");
            assertEquals(0, run.exitValue(), Files.readString(err));
            assertTrue(Files.readString(err).endsWith("vxdb: stopping the local cluster\nvxdb: stopped\n"),
                    Files.readString(err));
            for (ProcessHandle c : children) {
                assertFalse(c.isAlive(), "child " + c.pid() + " stopped");
            }
            assertTrue(Files.readString(logs.resolve("node-1.log")).contains("stopped in"), "a graceful stop");
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }
}
