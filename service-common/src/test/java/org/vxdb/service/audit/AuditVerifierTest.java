package org.vxdb.service.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vxdb.service.audit.AuditTesting.field;
import static org.vxdb.service.audit.AuditTesting.lines;
import static org.vxdb.service.audit.AuditTesting.rehashed;
import static org.vxdb.service.audit.AuditTesting.search;
import static org.vxdb.service.audit.AuditTesting.writeLines;
import static org.vxdb.service.audit.AuditTesting.writeSearches;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {

    @TempDir
    Path dir;
    Path file;
    List<String> lines;

    @BeforeEach
    void writeTwentyLines() throws IOException {
        file = dir.resolve("audit.log");
        lines = writeSearches(file, 20);
    }

    private String verify() throws IOException {
        return AuditVerifier.verify(List.of(file)).summary();
    }

    private String verify(List<AuditChainHead> checkpoints) throws IOException {
        return AuditVerifier.verify(List.of(file), checkpoints).summary();
    }

    private void edit(int lineNumber, String line) throws IOException {
        List<String> edited = new ArrayList<>(lines);
        edited.set(lineNumber - 1, line);
        writeLines(file, edited);
    }

    private String line(int lineNumber) {
        return lines.get(lineNumber - 1);
    }

    @Test
    void shouldReportAnIntactLogWithItsLinesAndLastHash() throws IOException {
        AuditVerifier.Result result = AuditVerifier.verify(List.of(file));
        assertEquals(AuditVerifier.Status.INTACT, result.status());
        assertEquals(20, result.lines());
        assertEquals(new AuditChainHead(20, field(line(20), "hash")), result.last());
        assertEquals(List.of(new AuditVerifier.FileSummary(file, 20, 1, 20)), result.files());
        assertEquals("OK: 20 lines in 1 file, seq 1-20, last hash " + field(line(20), "hash"), result.summary());
    }

    @Test
    void shouldNameTheLineWhoseFieldWasEdited() throws IOException {
        edit(17, line(17).replace("\"principal\":\"k1\"", "\"principal\":\"k2\""));
        assertEquals("TAMPERED: line 17 of " + file + " was altered: its content does not match its hash", verify());
    }

    @Test
    void shouldNameAnEditedLineWhoseHashWasRecomputedByItsSuccessor() throws IOException {
        edit(17, rehashed(line(17).replace("\"rows\":17", "\"rows\":0")));
        assertEquals("TAMPERED: line 18 of " + file + " does not follow line 17 of " + file + ": its prev is not the"
                + " hash of that line (one of them was rewritten)", verify());
    }

    @Test
    void shouldNameWhereALineWasRemoved() throws IOException {
        List<String> shorter = new ArrayList<>(lines);
        shorter.remove(16);
        writeLines(file, shorter);
        assertEquals("TAMPERED: line(s) after line 16 of " + file + " were removed: seq 17 expected, 18 found",
                verify());
    }

    @Test
    void shouldNameWhereSeveralLinesWereRemoved() throws IOException {
        List<String> shorter = new ArrayList<>(lines);
        shorter.subList(16, 18).clear();
        writeLines(file, shorter);
        assertEquals("TAMPERED: line(s) after line 16 of " + file + " were removed: seq 17 expected, 19 found",
                verify());
    }

    @Test
    void shouldNameTheFirstLineOutOfOrder() throws IOException {
        List<String> swapped = new ArrayList<>(lines);
        swapped.set(15, line(17));
        swapped.set(16, line(16));
        writeLines(file, swapped);
        assertEquals("TAMPERED: line 16 of " + file + " is out of order: seq 16 expected, 17 found (seq 16 is at"
                + " line 17 of " + file + ")", verify());
    }

    @Test
    void shouldNameALineRepeated() throws IOException {
        List<String> repeated = new ArrayList<>(lines);
        repeated.add(10, line(5));
        writeLines(file, repeated);
        assertEquals("TAMPERED: line 11 of " + file + " is out of order: seq 11 expected, 5 found", verify());
    }

    @Test
    void shouldNameAMalformedLine() throws IOException {
        edit(5, "not an audit line");
        assertEquals("TAMPERED: line 5 of " + file + " is malformed: it does not end with a \"hash\" member of 64"
                + " lowercase hex digits", verify());
        edit(5, "{\"seq\":5," + line(5).substring(line(5).indexOf("\"prev\"")).replace("\"prev\"", "prev"));
        assertEquals("TAMPERED: line 5 of " + file + " is malformed: it is not valid JSON (Unexpected character"
                + " ('p' (code 112)): was expecting double-quote to start property name)", verify());
        edit(5, line(5).replace("{\"seq\":5,", "{\"seq\":\"5\","));
        assertEquals("TAMPERED: line 5 of " + file + " is malformed: its seq is not a positive integer", verify());
    }

    @Test
    void shouldNameAnIncompleteLastLine() throws IOException {
        Files.writeString(file, String.join("\n", lines.subList(0, 19)) + "\n" + line(20).substring(0, 40));
        assertEquals("TAMPERED: line 20 of " + file + " is incomplete: the file ends in the middle of it (a crash"
                + " while writing, or a cut)", verify());
    }

    @Test
    void shouldRequireTheFirstLineToChainFromTheGenesisValue() throws IOException {
        edit(1, rehashed(line(1).replace(AuditLineFormat.GENESIS, "1".repeat(64))));
        assertEquals("TAMPERED: line 1 of " + file + " does not start the chain: seq 1 must have prev "
                + AuditLineFormat.GENESIS, verify());
    }

    @Test
    void shouldFindALogCutBeforeACheckpoint() throws IOException {
        AuditChainHead checkpoint = new AuditChainHead(20, field(line(20), "hash"));
        assertEquals("OK: 20 lines in 1 file, seq 1-20, last hash " + checkpoint.hash(), verify(List.of(checkpoint)));

        writeLines(file, lines.subList(0, 18));
        assertEquals("OK: 18 lines in 1 file, seq 1-18, last hash " + field(line(18), "hash"), verify());
        assertEquals("TAMPERED: the log ends at seq 18, before checkpoint seq 20: line(s) after line 18 of " + file
                + " were removed", verify(List.of(checkpoint)));
    }

    @Test
    void shouldFindALogRewrittenBeforeACheckpoint() throws IOException {
        AuditChainHead checkpoint = new AuditChainHead(20, field(line(20), "hash"));
        try (AuditLog log = AuditTesting.open(dir.resolve("rewritten.log"))) {
            for (int i = 1; i <= 20; i++) {
                log.record(i == 3 ? AuditTesting.event(AuditCategory.READ, "Search", "changed") : search(i));
            }
        }
        file = dir.resolve("rewritten.log");
        assertEquals("TAMPERED: line 20 of " + file + " (seq 20) does not have the hash of checkpoint 20:"
                + checkpoint.hash() + ": the log was rewritten up to this line", verify(List.of(checkpoint)));
    }

    @Test
    void shouldNotCheckACheckpointBeforeTheFirstLineGiven() throws IOException {
        Path rotated = dir.resolve("audit.log.1");
        Files.move(file, rotated);
        try (AuditLog log = AuditTesting.open(file)) {
            log.record(search(21));
        }
        AuditChainHead checkpoint = new AuditChainHead(5, field(line(5), "hash"));
        assertEquals("UNCHECKED: checkpoint seq 5 is before the first line given (seq 21); give the older file"
                + " that holds it", verify(List.of(checkpoint)));
        assertEquals("OK: 21 lines in 2 files, seq 1-21, last hash " + field(lines(file).getFirst(), "hash"),
                AuditVerifier.verify(List.of(rotated, file), List.of(checkpoint)).summary());
    }

    @Test
    void shouldFindLinesRemovedAtTheBoundaryOfTwoFiles() throws IOException {
        Path rotated = dir.resolve("audit.log.1");
        writeLines(rotated, lines.subList(0, 10));
        writeLines(file, lines.subList(11, 20));
        assertEquals("TAMPERED: line(s) after line 10 of " + rotated + " were removed: seq 11 expected, 12 found at"
                + " line 1 of " + file, AuditVerifier.verify(List.of(rotated, file)).summary());
    }

    @Test
    void shouldPutTheFilesOfARotatedSetInTheOrderTheyWereWritten() {
        Path current = Path.of("/var/log/vxdb/audit.log");
        List<Path> globbed = List.of(current, Path.of(current + ".1"), Path.of(current + ".10"),
                Path.of(current + ".2"));
        assertEquals(List.of(Path.of(current + ".10"), Path.of(current + ".2"), Path.of(current + ".1"), current),
                AuditVerifier.rotationOrder(globbed));
        List<Path> unrelated = List.of(Path.of("b.log"), Path.of("a.log"));
        assertEquals(unrelated, AuditVerifier.rotationOrder(unrelated));
    }
}
