package org.vxdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.cli.client.StatusCommand;
import org.vxdb.cli.launch.Launcher;
import tools.jackson.databind.json.JsonMapper;

class StatusAndDelegatesTest {

    @Test
    void shouldReportADownNodeAndAnOpenBreakerAsDegraded() {
        String json = """
                {"coordinator_id":"coord-1","version":"1.0","total_clusters":4,"replication_factor":2,
                 "nodes":[
                  {"id":"node-1","state":"ready","reason":"","breaker":"closed","primary_ranges":["0-1"],
                   "replica_ranges":["2-3"],"status":{"vectors":10,"native_memory_used":1048576,
                   "native_memory_limit":2147483648,"data_dirs":[{"usable_bytes":1073741824}]}},
                  {"id":"node-2","state":"down","reason":"connection refused","breaker":"open",
                   "primary_ranges":["2-3"],"replica_ranges":["0-1"],"status":null}]}
                """;
        StringWriter out = new StringWriter();
        int code = StatusCommand.print(new PrintWriter(out), JsonMapper.builder().build().readTree(json));
        assertEquals(3, code);
        List<String> lines = out.toString().lines().toList();
        assertEquals("Cluster coord-1 (version 1.0): 4 clusters, RF 2; 1 of 2 nodes ready, 1 breakers not closed, 10"
                + " vectors over all replicas: DEGRADED", lines.get(0));
        assertTrue(lines.get(2).matches("node-1 +ready +closed +10 +1\\.0 MiB / 2\\.0 GiB +1\\.0 GiB +P 0-1, R 2-3"),
                lines.get(2));
        assertTrue(lines.get(3).matches("node-2 +down +open +- +- +- +P 2-3, R 0-1"), lines.get(3));
        assertEquals("  node-2: down (connection refused)", lines.get(4));
    }

    @Test
    void shouldStartChildJvmsWithTheJvmArgumentFile() {
        Path home = Path.of(System.getProperty("vxdb.project.dir", ".."));
        List<String> cmd = new Launcher(home).javaCommand("-Xmx1g", "cp", "org.example.Main", List.of("--config",
                "x.yaml"));
        assertEquals("@" + home.toAbsolutePath().normalize().resolve("ops/jvm.args"), cmd.get(1));
        assertEquals("-Xmx1g", cmd.get(2));
        assertEquals(List.of("-cp", "cp", "org.example.Main", "--config", "x.yaml"), cmd.subList(cmd.size() - 5,
                cmd.size()));
    }

    /** backup, restore and verify-backup run the coordinator's backup tool in its own JVM; its exit code is theirs. */
    @Test
    void shouldRunTheBackupToolInACoordinatorJvm(@org.junit.jupiter.api.io.TempDir Path dir) {
        String before = System.getProperty("vxdb.home");
        System.setProperty("vxdb.home", Path.of(System.getProperty("vxdb.project.dir", "..")).toString());
        try {
            assertEquals(1, CliRun.of("verify-backup", "--from", dir.resolve("none").toString()).code(),
                    "a backup directory that does not exist");
            assertEquals(2, CliRun.of("backup", "--to", dir.toString()).code(), "usage: --config is missing");
            assertEquals(2, CliRun.of("restore", "--config", "x.yaml", "--from", dir.toString(), "--force").code(),
                    "usage: an unknown option");
        } finally {
            if (before == null) {
                System.clearProperty("vxdb.home");
            } else {
                System.setProperty("vxdb.home", before);
            }
        }
    }

    @Test
    void shouldAskForVerifyAfterAudit() {
        CliRun r = CliRun.of("audit", "check", "log");
        assertEquals(1, r.code());
        assertEquals("vxdb: usage: vxdb audit verify [--checkpoint SEQ:HASH]... FILE...\n", r.err());
    }
}
