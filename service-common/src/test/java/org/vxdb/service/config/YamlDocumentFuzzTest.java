package org.vxdb.service.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Any text as a config file: {@link YamlDocument#read} gives a tree or a {@link ConfigException}
 * with a message, in bounded time and memory (aliases, deep nesting and long scalars are refused
 * by the limits, never expanded without bound).
 */
class YamlDocumentFuzzTest {

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "yaml.dict")
    void documents(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        try {
            assertNotNull(YamlDocument.read(yaml));
        } catch (ConfigException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a config error without a message");
        }
    }
}
