package org.vxdb.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.security.ApiKeyStore;
import org.vxdb.coordinator.security.ApiKeyToken;
import org.vxdb.coordinator.security.Role;
import org.vxdb.coordinator.testing.InProcessCluster;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard of a secured cluster (TLS, API keys) in Chromium: the page itself loads without a
 * key but asks for one before it shows anything; a read key shows the cluster; a key without the
 * read role is refused with the core's own message.
 */
class DashboardAuthTest {

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static ApiKeyToken reader;
    static ApiKeyToken writer;

    @BeforeAll
    static void start() throws IOException {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"));
        reader = store.create("dashboard reader", EnumSet.of(Role.READ), null);
        writer = store.create("ingest only", EnumSet.of(Role.WRITE), null);
        cluster = InProcessCluster.startSecured(dir, """
                security:
                  enabled: true
                  keys_file: keys.json
                """);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String base() {
        return "https://127.0.0.1:" + cluster.restPort();
    }

    @Test
    void shouldAskForAKeyAndShowTheClusterOnceAReadKeyIsGiven() throws Exception {
        JsonNode r = DashboardBrowser.run(base(), "[{\"do\":\"signIn\",\"key\":\"" + reader.text()
                + "\",\"screenshot\":\"sign-in.png\"}]").get("signIn");
        assertEquals("This cluster asks for an API key (or a token). It stays in this browser tab only.",
                r.get("asked").stringValue());
        assertTrue(r.get("loaded").booleanValue(), r.toString());
        assertEquals("key " + reader.id(), r.get("who").stringValue());
        assertEquals(DashboardBrowser.JSON.readTree("[\"node-1 ready\",\"node-2 ready\"]"), r.get("nodes"));
    }

    @Test
    void shouldSayWhyAKeyWithoutTheReadRoleSeesNothing() throws Exception {
        JsonNode r = DashboardBrowser.run(base(), "[{\"do\":\"signIn\",\"key\":\"" + writer.text() + "\"}]")
                .get("signIn");
        assertFalse(r.get("loaded").booleanValue(), r.toString());
        assertEquals("key " + writer.id() + " (roles: write) may not ClusterStatus: that needs the read role",
                r.get("status").stringValue());
    }

    @Test
    void shouldTellARefusedKeyFromAMissingOne() throws Exception {
        String revoked = reader.text().substring(0, reader.text().length() - 4) + "AAAA";
        JsonNode r = DashboardBrowser.run(base(), "[{\"do\":\"signIn\",\"key\":\"" + revoked + "\"},"
                + "{\"do\":\"askedAgain\"}]");
        assertFalse(r.get("signIn").get("loaded").booleanValue());
        assertEquals(List.of("The key was refused: invalid API key: no live key has this id and secret"),
                List.of(r.get("askedAgain").get("asked").stringValue()));
    }
}
