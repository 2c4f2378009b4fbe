package org.vxdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.security.ApiKeyStore;
import org.vxdb.coordinator.security.ApiKeyToken;
import org.vxdb.coordinator.security.Role;
import org.vxdb.coordinator.testing.InProcessCluster;

/** The client commands against a secured cluster: TLS trusting the development CA, API keys as bearer tokens. */
class SecuredClusterIT {

    @TempDir
    static Path dir;
    private static InProcessCluster cluster;
    private static ApiKeyToken admin;
    private static Path keyFile;
    private static String target;
    private static String rest;
    private static String ca;

    @BeforeAll
    static void start() throws IOException {
        admin = ApiKeyStore.open(dir.resolve("keys.json")).create("cli admin", EnumSet.of(Role.ADMIN), null);
        keyFile = dir.resolve("admin.key");
        Files.writeString(keyFile, admin.text() + "\n");
        cluster = InProcessCluster.startSecured(dir, """
                security:
                  enabled: true
                  keys_file: keys.json
                """);
        target = "127.0.0.1:" + cluster.coordinator().grpcAddress().getPort();
        rest = "127.0.0.1:" + cluster.restPort();
        ca = cluster.certs().ca().toString();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldTalkTlsWithAnApiKeyFromAFile() throws IOException {
        CliRun created = CliRun.of("collections", "create", "secured", "--dim", "2", "--metric", "ip", "--target",
                target, "--tls-ca", ca, "--api-key-file", keyFile.toString());
        assertEquals(0, created.code(), created.toString());
        assertEquals("created collection secured (dimension 2, ip, index Flat)\n", created.out());

        Path rows = dir.resolve("rows.jsonl");
        Files.writeString(rows, "{\"id\": 1, \"vector\": [1, 0]}\n{\"id\": 2, \"vector\": [0, 1]}\n");
        CliRun imported = CliRun.of("import", "secured", rows.toString(), "--target", target, "--tls-ca", ca,
                "--api-key", admin.text());
        assertEquals("imported 2 rows into secured\n", imported.out());

        CliRun status = CliRun.of("status", "--rest", rest, "--tls-ca", ca, "--api-key", admin.text());
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.out().contains("2 of 2 nodes ready"), status.out());
    }

    @Test
    void shouldSayWhenNoKeyIsGiven() {
        CliRun r = CliRun.of("collections", "list", "--target", target, "--tls-ca", ca);
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("vxdb: not authenticated (give --api-key or --api-key-file): "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void shouldNameAMissingCaFile() {
        Path missing = dir.resolve("nope.pem");
        CliRun r = CliRun.of("collections", "list", "--target", target, "--tls-ca", missing.toString());
        assertEquals("vxdb: --tls-ca " + missing + ": no such file\n", r.err());
    }
}
