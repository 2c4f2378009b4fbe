package org.vxdb.service.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.service.audit.AuditTesting.event;
import static org.vxdb.service.audit.AuditTesting.field;
import static org.vxdb.service.audit.AuditTesting.hashAsDocumented;
import static org.vxdb.service.audit.AuditTesting.lines;
import static org.vxdb.service.audit.AuditTesting.open;
import static org.vxdb.service.audit.AuditTesting.search;
import static org.vxdb.service.audit.AuditTesting.seq;
import static org.vxdb.service.audit.AuditTesting.sha256Hex;
import static org.vxdb.service.audit.AuditTesting.writeSearches;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteEveryFieldOfAnEventInOneLineWithTheDocumentedHash() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = open(file)) {
            log.record(search(7));
        }
        String content = "{\"seq\":1,\"time\":\"2025-01-31T09:15:02.130Z\",\"principal\":\"k1\","
                + "\"remote\":\"10.0.0.7:53122\",\"protocol\":\"grpc\",\"operation\":\"Search\",\"category\":\"read\","
                + "\"collection\":\"docs\",\"rows\":7,\"outcome\":\"ok\",\"request_id\":\"r-7\",\"prev\":\""
                + "0".repeat(64) + "\"}";
        String expected = content.substring(0, content.length() - 1) + ",\"hash\":\"" + sha256Hex(content) + "\"}";
        assertEquals(List.of(expected), lines(file));
    }

    @Test
    void shouldWriteNullForWhatAnEventDoesNotHave() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = open(file)) {
            log.record(new AuditEvent(AuditTesting.T0, AuditEvent.ANONYMOUS, null, "resp", "Authenticate",
                    AuditCategory.AUTH, null, AuditEvent.NO_ROWS, "UNAUTHENTICATED", null));
        }
        String line = lines(file).getFirst();
        assertTrue(line.startsWith("{\"seq\":1,\"time\":\"2025-01-31T09:15:02.123Z\",\"principal\":\"anonymous\","
                + "\"remote\":null,\"protocol\":\"resp\",\"operation\":\"Authenticate\",\"category\":\"auth\","
                + "\"collection\":null,\"rows\":null,\"outcome\":\"UNAUTHENTICATED\",\"request_id\":null,\"prev\":\""),
                line);
    }

    @Test
    void shouldChainEachLineToTheOneBefore() throws IOException {
        List<String> lines = writeSearches(dir.resolve("audit.log"), 5);
        assertEquals(5, lines.size());
        String prev = AuditLineFormat.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertEquals(i + 1, seq(line));
            assertEquals(prev, field(line, "prev"));
            assertEquals(hashAsDocumented(line), field(line, "hash"));
            assertEquals("r-" + (i + 1), field(line, "request_id"));
            prev = field(line, "hash");
        }
    }

    @Test
    void shouldResumeTheChainAfterARestart() throws IOException {
        Path file = dir.resolve("audit.log");
        List<String> before = writeSearches(file, 2);
        try (AuditLog log = open(file)) {
            assertEquals(new AuditChainHead(2, field(before.get(1), "hash")), log.head());
            log.record(search(3));
            log.record(search(4));
        }
        List<String> lines = lines(file);
        assertEquals(before, lines.subList(0, 2));
        assertEquals(List.of(1L, 2L, 3L, 4L), lines.stream().map(AuditTesting::seq).toList());
        assertEquals(field(lines.get(1), "hash"), field(lines.get(2), "prev"));
        assertTrue(AuditVerifier.verify(List.of(file)).intact());
    }

    @Test
    void shouldMakeRecordedEventsVisibleAtFlushAndCountThem() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = open(file)) {
            log.record(search(1));
            log.record(search(2));
            log.flush();
            List<String> lines = lines(file);
            assertEquals(2, lines.size());
            assertEquals(new AuditChainHead(2, field(lines.get(1), "hash")), log.head());
            assertEquals(2, log.written());
            assertEquals(0, log.dropped());
            assertEquals(0, log.writeErrors());
        }
    }

    @Test
    void shouldRotateAndChainTheNewFileToTheLastLineOfTheOldOne() throws IOException {
        Path file = dir.resolve("audit.log");
        long maxFileSize = AuditSettings.MAX_FILE_SIZE_MIN;
        try (AuditLog log = AuditLog.open(AuditSettings.enabled(file).withRotation(maxFileSize, 2))) {
            for (int i = 1; i <= 1000; i++) {
                log.record(search(i));
            }
        }
        Path first = dir.resolve("audit.log.1");
        Path second = dir.resolve("audit.log.2");
        try (var listing = Files.list(dir)) {
            assertEquals(Set.of(file, first, second), Set.copyOf(listing.toList()));
        }
        for (Path each : List.of(file, first, second)) {
            assertTrue(Files.size(each) <= maxFileSize, each + " has " + Files.size(each) + " bytes");
        }
        List<String> older = lines(second);
        List<String> old = lines(first);
        List<String> current = lines(file);
        assertEquals(seq(older.getLast()) + 1, seq(old.getFirst()));
        assertEquals(field(older.getLast(), "hash"), field(old.getFirst(), "prev"));
        assertEquals(field(old.getLast(), "hash"), field(current.getFirst(), "prev"));
        assertEquals(1000, seq(current.getLast()));
        assertTrue(seq(older.getFirst()) > 1, "the oldest file was deleted: " + seq(older.getFirst()));

        AuditVerifier.Result result = AuditVerifier.verify(List.of(second, first, file));
        assertEquals(AuditVerifier.Status.INTACT, result.status(), result.summary());
        assertEquals(older.size() + old.size() + current.size(), result.lines());
        assertEquals(List.of("the chain starts at seq " + seq(older.getFirst()) + " (line 1 of " + second
                + "): earlier lines are in older files, not given here"), result.notes());
    }

    @Test
    void shouldChainFromTheRotatedFileWhenTheCurrentOneIsMissing() throws IOException {
        Path file = dir.resolve("audit.log");
        List<String> before = writeSearches(file, 3);
        Files.move(file, dir.resolve("audit.log.1")); // a crash between the rename and the first new line
        try (AuditLog log = open(file)) {
            log.record(search(4));
        }
        String first = lines(file).getFirst();
        assertEquals(4, seq(first));
        assertEquals(field(before.getLast(), "hash"), field(first, "prev"));
        assertTrue(AuditVerifier.verify(List.of(dir.resolve("audit.log.1"), file)).intact());
    }

    @Test
    void shouldCutATornLastLineAndWriteALineSayingSo() throws IOException {
        Path file = dir.resolve("audit.log");
        List<String> before = writeSearches(file, 3);
        Files.writeString(file, "{\"seq\":4,\"time\":\"2025-01-", StandardOpenOption.APPEND);
        assertEquals("TAMPERED: line 4 of " + file + " is incomplete: the file ends in the middle of it"
                + " (a crash while writing, or a cut)", AuditVerifier.verify(List.of(file)).summary());

        try (AuditLog log = open(file)) {
            log.record(search(5));
            log.flush();
            assertEquals(1, log.written());
        }
        List<String> lines = lines(file);
        assertEquals(before, lines.subList(0, 3));
        String marker = lines.get(3);
        assertEquals(4, seq(marker));
        assertEquals(field(before.get(2), "hash"), field(marker, "prev"));
        assertTrue(marker.contains("\"principal\":\"vxdb\",\"remote\":null,\"protocol\":\"internal\","
                + "\"operation\":\"AuditTornLineRemoved\",\"category\":\"system\",\"collection\":null,\"rows\":null,"
                + "\"outcome\":\"DATA_LOSS\",\"request_id\":null,"), marker);
        assertEquals(5, seq(lines.get(4)));
        assertEquals("r-5", field(lines.get(4), "request_id"));

        AuditVerifier.Result result = AuditVerifier.verify(List.of(file));
        assertTrue(result.intact(), result.summary());
        assertEquals(List.of("line 4 of " + file + " (seq 4): AuditTornLineRemoved DATA_LOSS"), result.notes());
    }

    @Test
    void shouldAddTheNewlineToALastLineThatLacksOnlyThat() throws IOException {
        Path file = dir.resolve("audit.log");
        List<String> before = writeSearches(file, 3);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        try (AuditLog log = open(file)) {
            log.record(search(4));
        }
        List<String> lines = lines(file);
        assertEquals(before, lines.subList(0, 3));
        assertEquals(List.of(1L, 2L, 3L, 4L), lines.stream().map(AuditTesting::seq).toList());
        assertTrue(AuditVerifier.verify(List.of(file)).intact());
    }

    @Test
    void shouldRefuseToResumeAfterALastLineThatIsNotAnAuditLine() throws IOException {
        Path file = dir.resolve("audit.log");
        writeSearches(file, 2);
        Files.writeString(file, "{\"note\":\"added by hand\"}\n", StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> open(file));
        assertEquals(file + ": its last line is not an audit line (it does not end with a \"hash\" member of 64"
                + " lowercase hex digits), so the chain cannot go on from it; check it with vxdb audit verify and"
                + " move it aside", e.getMessage());
    }

    @Test
    void shouldRefuseASecondLogOnTheSameFile() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = open(file)) {
            IOException e = assertThrows(IOException.class, () -> open(file));
            assertEquals(file + ": another audit log has it open; each server needs its own audit.file",
                    e.getMessage());
        }
    }

    @Test
    void shouldWriteEveryEventOfEightThreadsExactlyOnceInOneValidChain() throws Exception {
        Path file = dir.resolve("audit.log");
        int threads = 8;
        int perThread = 2000;
        try (AuditLog log = open(file); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        log.record(event(AuditCategory.WRITE, "Upsert", thread + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> each : done) {
                each.get();
            }
            log.flush();
            assertEquals(threads * perThread, log.written());
            assertEquals(0, log.dropped());
        }
        List<String> lines = lines(file);
        assertEquals(threads * perThread, lines.size());
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            assertTrue(ids.add(field(line, "request_id")), "twice: " + line);
        }
        AuditVerifier.Result result = AuditVerifier.verify(List.of(file));
        assertEquals("OK: 16000 lines in 1 file, seq 1-16000, last hash " + field(lines.getLast(), "hash"),
                result.summary());
    }

    @Test
    void shouldWriteOnlyTheConfiguredLevels() throws IOException {
        Path file = dir.resolve("audit.log");
        AuditSettings settings = AuditSettings.enabled(file).withLevels(Set.of(AuditCategory.ADMIN,
                AuditCategory.AUTH));
        try (AuditLog log = AuditLog.open(settings)) {
            assertTrue(log.logs(AuditCategory.ADMIN));
            assertFalse(log.logs(AuditCategory.READ));
            assertFalse(log.logs(AuditCategory.WRITE));
            assertTrue(log.logs(AuditCategory.AUTH));
            log.record(event(AuditCategory.READ, "Search", "read"));
            log.record(event(AuditCategory.WRITE, "Upsert", "write"));
            log.record(event(AuditCategory.ADMIN, "CreateCollection", "admin"));
            log.record(event(AuditCategory.AUTH, "Authenticate", "auth"));
            log.flush();
            assertEquals(2, log.written());
        }
        assertEquals(List.of("admin", "auth"), lines(file).stream().map(l -> field(l, "request_id")).toList());
    }

    @Test
    void shouldDropWhatAFullQueueCannotTakeAndSayHowManyInTheLog() throws Exception {
        Path file = dir.resolve("audit.log");
        CountDownLatch writerMayStart = new CountDownLatch(1);
        ThreadFactory lateWriter = task -> new Thread(() -> {
            try {
                writerMayStart.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        Clock clock = Clock.fixed(AuditTesting.T0, ZoneOffset.UTC);
        try (AuditLog log = new FileAuditLog(AuditSettings.enabled(file), 2, Duration.ofMillis(1), clock,
                lateWriter)) {
            for (int i = 1; i <= 5; i++) {
                log.record(search(i));
            }
            assertEquals(3, log.dropped());
            writerMayStart.countDown();
            log.flush();
            assertEquals(2, log.written());
        }
        List<String> lines = lines(file);
        assertEquals(List.of("r-1", "r-2"), lines.subList(0, 2).stream().map(l -> field(l, "request_id")).toList());
        assertTrue(lines.get(2).startsWith("{\"seq\":3,\"time\":\"2025-01-31T09:15:02.123Z\",\"principal\":\"vxdb\","
                + "\"remote\":null,\"protocol\":\"internal\",\"operation\":\"AuditEventsLost\",\"category\":\"system\","
                + "\"collection\":null,\"rows\":3,\"outcome\":\"RESOURCE_EXHAUSTED\",\"request_id\":null,"),
                lines.get(2));
        assertEquals(3, lines.size());
    }

    @Test
    void shouldCountAWriteErrorAndGoOnAfterTheFileIsBack() throws IOException {
        Path file = dir.resolve("audit.log");
        Files.createSymbolicLink(file, Path.of("/dev/full")); // every write fails: no space left on device
        try (AuditLog log = open(file)) {
            log.record(search(1));
            log.flush();
            assertEquals(1, log.writeErrors());
            assertEquals(1, log.dropped());
            assertEquals(0, log.written());

            Files.delete(file); // the link, not /dev/full: the log reopens a new, writable file
            log.flush();
            log.record(search(2));
            log.flush();
            assertEquals(1, log.written());
            assertEquals(1, log.writeErrors());
        }
        List<String> lines = lines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("\"operation\":\"AuditEventsLost\",\"category\":\"system\","
                + "\"collection\":null,\"rows\":1,\"outcome\":\"DATA_LOSS\""), lines.get(0));
        assertEquals("r-2", field(lines.get(1), "request_id"));
        AuditVerifier.Result result = AuditVerifier.verify(List.of(file));
        assertTrue(result.intact(), result.summary());
        assertEquals(List.of("line 1 of " + file + " (seq 1): AuditEventsLost DATA_LOSS, rows 1"), result.notes());
    }

    @Test
    void shouldCountEventsRecordedAfterCloseAsDropped() throws IOException {
        Path file = dir.resolve("audit.log");
        AuditLog log = open(file);
        log.close();
        log.record(search(1));
        log.flush();
        log.close();
        assertEquals(1, log.dropped());
        assertEquals(List.of(), lines(file));
    }

    @Test
    void shouldWriteNothingWhenDisabled() throws IOException {
        AuditLog log = AuditLog.open(AuditSettings.DISABLED);
        assertFalse(log.logs(AuditCategory.ADMIN));
        log.record(search(1));
        log.flush();
        log.close();
        assertEquals(AuditChainHead.EMPTY, log.head());
        assertEquals(0, log.written());
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(), listing.toList());
        }
    }

    @Test
    void shouldKeepClientValuesShortAndValidUtf8() {
        String longName = "c".repeat(300);
        AuditEvent event = new AuditEvent(AuditTesting.T0, "k\uD800", null, "rest", "Search", AuditCategory.READ,
                longName, 0, AuditEvent.OK, "a\nb");
        assertEquals("c".repeat(253) + "...", event.collection());
        assertEquals("k\uFFFD", event.principal());
        assertEquals("a\nb", event.requestId()); // JSON escapes it: the line stays one line
        assertNull(event.remote());
        String line = new String(AuditLineFormat.encode(event, 1, AuditLineFormat.GENESIS).bytes(),
                StandardCharsets.UTF_8);
        assertTrue(line.contains("\"request_id\":\"a\\nb\""), line);
        assertEquals(1, line.split("\n").length);
    }

    @Test
    void shouldRejectNamesThatAreNotNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AuditEvent(
                AuditTesting.T0, "k1", null, "grpc", "Search {\"vector\": [1]}", AuditCategory.READ, null, 0,
                AuditEvent.OK, null));
        assertEquals("operation 'Search {\"vector\": [1]}' is invalid: use [A-Za-z][A-Za-z0-9_.-]{0,63}",
                e.getMessage());
    }
}
