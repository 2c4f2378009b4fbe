package org.vxdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VxdbCliTest {

    private static Path projectDir() {
        return Path.of(System.getProperty("vxdb.project.dir", ".."));
    }

    @Test
    void shouldPrintABashCompletionScriptForEveryCommand() {
        CliRun r = CliRun.of("completion");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().substring(0, 80));
        assertTrue(r.out().contains("complete -F _complete_vxdb"), "registers the function");
        for (String command : List.of("run", "node", "coordinator", "repair", "selfcheck", "bench", "collections",
                "import", "search", "status", "capacity", "backup", "restore", "verify-backup")) {
            assertTrue(r.out().contains(command), command);
        }
        assertTrue(r.out().contains("--memory-limit"), "options of the subcommands too");
    }

    @Test
    void shouldKeepTheJvmFlagsOfThePomAndOfOpsJvmArgsTheSame() throws IOException {
        List<String> file = Arrays.asList(Files.readString(projectDir().resolve("ops/jvm.args")).strip().split("\\s+"));
        Matcher m = Pattern.compile("<vxdb.jvm.flags>([^<]*)</vxdb.jvm.flags>")
                .matcher(Files.readString(projectDir().resolve("pom.xml")));
        assertTrue(m.find(), "pom.xml defines vxdb.jvm.flags");
        assertEquals(file, Arrays.asList(m.group(1).strip().split("\\s+")), "pom.xml vxdb.jvm.flags = ops/jvm.args");
    }

    @Test
    void shouldStartTheNodeImageWithTheFlagsOfOpsJvmArgs() throws IOException {
        String start = Files.readString(projectDir().resolve("docker/node-start.sh")).replace("\\\n", " ");
        for (String line : Files.readAllLines(projectDir().resolve("ops/jvm.args"))) {
            if (!line.isBlank()) {
                assertTrue(start.replaceAll("\\s+", " ").contains(line.strip()), "docker/node-start.sh passes " + line);
            }
        }
    }

    @Test
    void shouldNameAnUnknownCommand() {
        CliRun r = CliRun.of("frobnicate");
        assertEquals(2, r.code());
        assertEquals("vxdb: unknown command 'frobnicate' (try: vxdb --help)\n", r.err());
    }

    @Test
    void shouldRefuseAMissingConfigDirectoryForRun(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        CliRun r = CliRun.of("run", "--config-dir", missing.toString());
        assertEquals(1, r.code());
        assertEquals("vxdb: config directory '" + missing + "' does not exist\n", r.err());
    }

    @Test
    void shouldRefuseAConfigDirectoryWithoutNodesForRun(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.of("run", "--config-dir", dir.toString());
        assertEquals(1, r.code());
        assertEquals("vxdb: " + dir.toRealPath() + " has no node-*.yaml\n", r.err());
    }

    @Test
    void shouldRefuseAPortZeroListenAddressForRun(@TempDir Path dir) throws IOException {
        Path node = dir.resolve("node-1.yaml");
        Files.writeString(node, "node_id: node-1\ngrpc:\n  listen: 127.0.0.1:0\nstorage:\n  data_dirs: [data]\n");
        Files.writeString(dir.resolve("coordinator.yaml"), "topology:\n  file: topology.yaml\n");
        CliRun r = CliRun.of("run", "--config-dir", dir.toString());
        assertEquals(1, r.code());
        assertEquals("vxdb: " + node.toRealPath() + ": listen address '127.0.0.1:0' needs a fixed port for vxdb run"
                + " (port 0 picks one at random)\n", r.err());
    }
}
