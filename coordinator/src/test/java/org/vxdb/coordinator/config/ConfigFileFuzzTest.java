package org.vxdb.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;
import org.vxdb.coordinator.topology.Topology;
import org.vxdb.service.config.ConfigException;

/**
 * Any text as the coordinator's config file or as a topology file (the input's first byte:
 * {@code t} for a topology, anything else a coordinator config; the rest is the file): a config,
 * or a {@link ConfigException} whose message names the field (or the line) at fault. Reading a
 * config touches no file (the topology path is only resolved).
 */
class ConfigFileFuzzTest {

    private static final Path BASE = Path.of("/nonexistent/vxdb-fuzz");

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "config.dict")
    void files(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String yaml = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        try {
            if (input[0] == 't') {
                assertNotNull(Topology.parse(yaml).nodes());
            } else {
                assertNotNull(CoordinatorConfig.parse(yaml, BASE).coordinatorId());
            }
        } catch (ConfigException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a config error without a message");
        }
    }
}
