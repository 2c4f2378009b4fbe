package org.vxdb.service.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.service.audit.AuditTesting.field;
import static org.vxdb.service.audit.AuditTesting.writeLines;
import static org.vxdb.service.audit.AuditTesting.writeSearches;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifyMainTest {

    private static final String USAGE = "usage: vxdb audit verify [--checkpoint SEQ:HASH]... FILE...\n";

    @TempDir
    Path dir;
    Path current;
    Path rotated;
    List<String> lines;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** A rotated set: lines 1-10 in audit.log.1, 11-20 in audit.log. */
    @BeforeEach
    void writeARotatedSet() throws IOException {
        current = dir.resolve("audit.log");
        rotated = dir.resolve("audit.log.1");
        lines = writeSearches(current, 20);
        writeLines(rotated, lines.subList(0, 10));
        writeLines(current, lines.subList(10, 20));
    }

    private int run(String... args) {
        return AuditVerifyMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldExitZeroForAnIntactSetGivenInAnyOrder() {
        assertEquals(0, run(current.toString(), rotated.toString()));
        assertEquals(rotated + ": 10 lines, seq 1-10\n"
                + current + ": 10 lines, seq 11-20\n"
                + "OK: 20 lines in 2 files, seq 1-20, last hash " + field(lines.get(19), "hash") + "\n", out());
        assertEquals("", err());
    }

    @Test
    void shouldExitOneAndNameTheFirstProblem() throws IOException {
        List<String> edited = new java.util.ArrayList<>(lines.subList(10, 20));
        edited.set(6, edited.get(6).replace("\"outcome\":\"ok\"", "\"outcome\":\"PERMISSION_DENIED\""));
        writeLines(current, edited);
        assertEquals(1, run(rotated.toString(), current.toString()));
        assertEquals(rotated + ": 10 lines, seq 1-10\n"
                + "TAMPERED: line 7 of " + current + " was altered: its content does not match its hash\n", out());
    }

    @Test
    void shouldPrintANoteForEachLineTheLogWroteAboutItself() throws IOException {
        Files.writeString(current, "{\"seq\":21,\"ti", StandardOpenOption.APPEND);
        try (AuditLog log = AuditTesting.open(current)) {
            log.flush();
        }
        assertEquals(0, run(rotated.toString(), current.toString()));
        String last = Files.readAllLines(current).getLast();
        assertEquals(rotated + ": 10 lines, seq 1-10\n"
                + current + ": 11 lines, seq 11-21\n"
                + "note: line 11 of " + current + " (seq 21): AuditTornLineRemoved DATA_LOSS\n"
                + "OK: 21 lines in 2 files, seq 1-21, last hash " + field(last, "hash") + "\n", out());
    }

    @Test
    void shouldCheckACheckpoint() {
        String checkpoint = "20:" + field(lines.get(19), "hash").toUpperCase(java.util.Locale.ROOT);
        assertEquals(0, run("--checkpoint", checkpoint, rotated.toString(), current.toString()));
        assertEquals(1, run("--checkpoint=21:" + "a".repeat(64), rotated.toString(), current.toString()));
        assertEquals("TAMPERED: the log ends at seq 20, before checkpoint seq 21: line(s) after line 10 of " + current
                + " were removed\n", out().lines().toList().getLast() + "\n");
        out.reset();
        assertEquals(2, run("--checkpoint", "5:" + field(lines.get(4), "hash"), current.toString()));
        assertEquals(current + ": 10 lines, seq 11-20\n"
                + "note: the chain starts at seq 11 (line 1 of " + current + "): earlier lines are in older files,"
                + " not given here\n"
                + "UNCHECKED: checkpoint seq 5 is before the first line given (seq 11); give the older file that"
                + " holds it\n", out());
    }

    @Test
    void shouldExitTwoOnAUsageError() {
        assertEquals(2, run());
        assertEquals("vxdb audit verify: give the audit log file(s) to verify\n" + USAGE, err());
        err.reset();
        assertEquals(2, run(dir.resolve("nothing.log").toString()));
        assertEquals("vxdb audit verify: " + dir.resolve("nothing.log") + ": no such file\n" + USAGE, err());
        err.reset();
        assertEquals(2, run("--checkpoint", "20", current.toString()));
        assertEquals("vxdb audit verify: --checkpoint '20' is invalid: use SEQ:HASH, a line's seq and its 64 hex digit"
                + " hash, as the server logs them (audit log checkpoint: FILE at SEQ:HASH)\n" + USAGE, err());
        err.reset();
        assertEquals(2, run("--fix", current.toString()));
        assertEquals("vxdb audit verify: unknown option '--fix'\n" + USAGE, err());
        err.reset();
        assertEquals(2, run(current.toString(), current.toString()));
        assertEquals("vxdb audit verify: " + current + ": given twice\n" + USAGE, err());
        assertEquals("", out());
    }

    @Test
    void shouldPrintUsageOnHelp() {
        assertEquals(0, run("--help"));
        assertEquals(USAGE, out());
    }
}
