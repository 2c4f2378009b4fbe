package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;

/**
 * A JavaScript client (Node 20's built-in fetch, src/test/resources/rest/bigid-client.mjs) writes
 * and reads back an id above 2^53: ids travel as strings, so not a digit is lost.
 */
class RestNodeFetchTest {

    @Test
    void shouldRoundTripAnIdAbove2To53ThroughAJavaScriptClient(@TempDir Path dir) throws Exception {
        Path script = Path.of(getClass().getResource("/rest/bigid-client.mjs").toURI());
        try (InProcessCluster cluster = InProcessCluster.start(dir)) {
            Process node = new ProcessBuilder("node", script.toString(), "http://127.0.0.1:" + cluster.restPort())
                    .redirectErrorStream(true).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish");
            assertEquals(0, node.exitValue(), out);
            assertEquals("""
                    create 201 cosine
                    upsert 200 ["18446744073709551557","9007199254740993"] 2
                    get 200 18446744073709551557 true {"client":"node","n":2} true
                    get-one 200 18446744073709551557 [0.6,0.8]
                    search 200 18446744073709551557,9007199254740993
                    error 400 INVALID_ARGUMENT vectors[0]: has 3 dimensions, collection 'js' has 2 true
                    """, out);
        }
    }
}
