package org.vxdb.coordinator.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The temporary command line and the options: usage errors, exit codes, exact messages. */
class BackupMainTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackupMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitTwoWithTheUsageForBadArguments() {
        assertEquals(new Run(2, "", BackupMain.USAGE + "\n"), run());
        assertEquals(new Run(2, "", "backup: missing --config\n" + BackupMain.USAGE + "\n"),
                run("backup", "--to", dir.toString()));
        assertEquals(new Run(2, "", "restore: unknown option --force\n" + BackupMain.USAGE + "\n"),
                run("restore", "--force"));
        assertEquals(new Run(2, "", "unknown command prune\n" + BackupMain.USAGE + "\n"),
                run("prune", "--config", "c.yaml", "--from", dir.toString()));
    }

    @Test
    void shouldExitOneWithOneLineWhenTheBackupCannotBeUsed() {
        Path missing = dir.resolve("nope");
        assertEquals(new Run(1, "", "verify: backup directory " + missing + " does not exist\n"),
                run("verify", "--from", missing.toString()));
        assertEquals(new Run(1, "", "backup: coordinator config " + dir.resolve("c.yaml") + " does not exist\n"),
                run("backup", "--config", dir.resolve("c.yaml").toString(), "--to", dir.resolve("b").toString()));
        assertFalse(Files.exists(dir.resolve("b")), "nothing is created for a backup that cannot start");
    }

    @Test
    void shouldRejectInvalidOptionsWithTheFieldAndTheRule() {
        IllegalArgumentException chunk = assertThrows(IllegalArgumentException.class, () -> new BackupOptions(
                dir, dir, List.of(), 0, 0, true, BackupOptions.STREAM_TIMEOUT_DEFAULT, l -> { }));
        assertEquals("chunkBytes 0 is invalid: use 1-4194304", chunk.getMessage());
        IllegalArgumentException buckets = assertThrows(IllegalArgumentException.class, () -> new BackupOptions(
                dir, dir, List.of(), 70_000, 1, true, BackupOptions.STREAM_TIMEOUT_DEFAULT, l -> { }));
        assertEquals("digestBuckets 70000 is invalid: use 1-65536 (0: the coordinator's repair.buckets)",
                buckets.getMessage());
    }
}
