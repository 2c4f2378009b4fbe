package org.vxdb.node.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.vxdb.service.config.ConfigException;

/**
 * Any text as a storage node's config file: a config, or a {@link ConfigException} whose message
 * names the field (or the line) at fault. Reading touches no file (data directories are only
 * resolved), so any path in the text is harmless.
 */
class NodeConfigFuzzTest {

    private static final Path BASE = Path.of("/nonexistent/vxdb-fuzz");

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "node-config.dict")
    void configs(byte[] input) {
        try {
            assertNotNull(NodeConfig.parse(new String(input, StandardCharsets.UTF_8), BASE).nodeId());
        } catch (ConfigException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a config error without a message");
        }
    }
}
