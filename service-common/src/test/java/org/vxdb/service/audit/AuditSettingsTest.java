package org.vxdb.service.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.vxdb.service.config.ConfigTesting.assertConfigError;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.YamlDocument;

class AuditSettingsTest {

    private static final Path CONFIG_DIR = Path.of("/etc/vxdb");

    private static AuditSettings read(String yaml) {
        return AuditSettings.read(ConfigSection.root(YamlDocument.read(yaml), "audit"), CONFIG_DIR);
    }

    @Test
    void shouldBeOffWithoutTheSection() {
        assertEquals(AuditSettings.DISABLED, read(""));
        assertEquals(AuditSettings.DISABLED, read("audit:\n"));
        assertFalse(read("audit:\n  enabled: false\n").enabled());
        assertEquals("audit.enabled=false", read("").toString());
    }

    @Test
    void shouldResolveTheFileAgainstTheConfigDirectoryAndApplyTheDefaults() {
        AuditSettings settings = read("audit:\n  file: ../../var/log/vxdb/audit.log\n");
        assertEquals(new AuditSettings(true, Path.of("/var/log/vxdb/audit.log"), Set.of(AuditCategory.ADMIN,
                AuditCategory.WRITE, AuditCategory.READ, AuditCategory.AUTH), 100L << 20, 10, Duration.ofMinutes(1)),
                settings);
        assertEquals("audit.file=/var/log/vxdb/audit.log audit.levels=admin,write,read,auth"
                + " audit.max_file_size=100MiB audit.max_files=10 audit.checkpoint_interval=1m", settings.toString());
    }

    @Test
    void shouldReadEveryField() {
        AuditSettings settings = read("""
                audit:
                  enabled: true
                  file: /srv/audit/audit.log
                  levels: [admin, AUTH]
                  max_file_size: 1GiB
                  max_files: 30
                  checkpoint_interval: 0s
                """);
        assertEquals(new AuditSettings(true, Path.of("/srv/audit/audit.log"), Set.of(AuditCategory.ADMIN,
                AuditCategory.AUTH), 1L << 30, 30, Duration.ZERO), settings);
        assertEquals(Set.of(AuditCategory.WRITE), read("audit:\n  file: a.log\n  levels: write\n").levels());
    }

    @Test
    void shouldNotNeedAFileWhenOff() {
        assertNull(read("audit:\n  enabled: false\n  max_files: 3\n").file());
    }

    @Test
    void shouldNameTheFieldAndTheReason() {
        assertConfigError("audit.file: required", () -> read("audit:\n  levels: [admin]\n"));
        assertConfigError("audit.enabled: expected true or false, got a string",
                () -> read("audit:\n  enabled: sometimes\n  file: a.log\n"));
        assertConfigError("audit.levels[1]: 'reads' is invalid: use admin, write, read or auth",
                () -> read("audit:\n  file: a.log\n  levels: [admin, reads]\n"));
        assertConfigError("audit.levels[1]: 'system' is invalid: use admin, write, read or auth",
                () -> read("audit:\n  file: a.log\n  levels: [admin, system]\n"));
        assertConfigError("audit.levels[2]: read is listed twice (also audit.levels[0])",
                () -> read("audit:\n  file: a.log\n  levels: [read, write, READ]\n"));
        assertConfigError("audit.levels: at least one level is required (to write nothing, set audit.enabled: false)",
                () -> read("audit:\n  file: a.log\n  levels: []\n"));
        assertConfigError("audit.max_file_size: 1KiB is invalid: use 64KiB-1TiB",
                () -> read("audit:\n  file: a.log\n  max_file_size: 1KiB\n"));
        assertConfigError("audit.max_files: 0 is invalid: use 1-10000",
                () -> read("audit:\n  file: a.log\n  max_files: 0\n"));
        assertConfigError("audit.levls: unknown field (did you mean audit.levels?)",
                () -> read("audit:\n  file: a.log\n  levls: [read]\n"));
    }
}
