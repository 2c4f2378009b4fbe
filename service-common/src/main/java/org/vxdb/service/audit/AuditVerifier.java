package org.vxdb.service.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vxdb.service.audit.AuditLineFormat.MalformedLineException;
import org.vxdb.service.audit.AuditLineFormat.ParsedLine;

/**
 * Checks an audit log, one file or a rotated set from oldest to newest, against its hash chain
 * ({@link AuditLineFormat}) and names the first problem: a line altered (its hash does not match
 * its content), lines removed ({@code seq} skips), lines out of order, a line that does not chain
 * to the one before (one of them rewritten), a malformed or incomplete line.
 *
 * <p><b>What it cannot find from the files alone.</b> Lines cut from the end of the newest file,
 * or from the start of the oldest one, leave a valid chain; so does rewriting every line from some
 * point on with fresh hashes. Give the verifier a {@link AuditChainHead checkpoint} recorded
 * elsewhere (the server logs one at open, rotation, close and every
 * {@code audit.checkpoint_interval}) and it also finds a log that ends before that checkpoint or
 * whose line at that {@code seq} has another hash.
 */
public final class AuditVerifier {

    private static final Pattern ROTATED = Pattern.compile("(.+)\\.(\\d{1,9})");

    private AuditVerifier() {
    }

    /** What a verification found. */
    public enum Status {
        /** Every line is whole and chained, and every checkpoint matched. */
        INTACT,
        /** A line was altered, removed, moved or is malformed; or the log ends before a checkpoint. */
        TAMPERED,
        /** A checkpoint lies before the first line given, so it could not be checked. */
        UNCHECKED
    }

    /**
     * The lines and {@code seq} range of one file of the set, checked whole.
     *
     * @param firstSeq 0 when the file has no line
     */
    public record FileSummary(Path file, long lines, long firstSeq, long lastSeq) {

        /** {@code audit.log.1: 1000 lines, seq 1-1000}. */
        @Override
        public String toString() {
            return file + ": " + lines + (lines == 1 ? " line" : " lines")
                    + (lines == 0 ? "" : ", seq " + firstSeq + "-" + lastSeq);
        }
    }

    /**
     * @param problem the first problem found ({@code line 17 of audit.log was altered: ...}); null when intact
     * @param files   the files checked whole before the problem, or all of them
     * @param lines   lines checked and found good
     * @param last    the last good line; {@link AuditChainHead#EMPTY} when there is none
     * @param notes   lines the log wrote about itself (events it lost, a torn line it cut), and
     *                where the chain starts when not at seq 1
     */
    public record Result(Status status, String problem, List<FileSummary> files, long lines, AuditChainHead last,
                         List<String> notes) {

        public boolean intact() {
            return status == Status.INTACT;
        }

        /** The closing line of {@code vxdb audit verify}: {@code OK: ...} or {@code TAMPERED: ...}. */
        public String summary() {
            return switch (status) {
                case INTACT -> "OK: " + lines + (lines == 1 ? " line" : " lines") + " in " + files.size()
                        + (files.size() == 1 ? " file" : " files")
                        + (lines == 0 ? "" : ", seq " + files.stream().filter(f -> f.lines() > 0).findFirst()
                                .orElseThrow().firstSeq() + "-" + last.seq())
                        + ", last hash " + last.hash();
                case TAMPERED -> "TAMPERED: " + problem;
                case UNCHECKED -> "UNCHECKED: " + problem;
            };
        }
    }

    /** Verifies {@code files}, oldest first, without checkpoints. */
    public static Result verify(List<Path> files) throws IOException {
        return verify(files, List.of());
    }

    /**
     * Verifies {@code files}, oldest first, and that each checkpoint's {@code seq} is in them with its hash.
     *
     * @throws IOException when a file cannot be read
     */
    public static Result verify(List<Path> files, List<AuditChainHead> checkpoints) throws IOException {
        return new Run(files, checkpoints).verify();
    }

    /**
     * The files of one rotated set ({@code audit.log}, {@code audit.log.1}, ...) in the order they
     * were written: highest number first, the unnumbered current file last. Any other list is kept
     * in the order given. So {@code vxdb audit verify audit.log*} checks a set as it should.
     */
    public static List<Path> rotationOrder(List<Path> files) {
        List<String> bases = files.stream().map(f -> base(f).toString()).distinct().toList();
        if (bases.size() != 1) {
            return files;
        }
        return files.stream().sorted(Comparator.comparingLong(AuditVerifier::generation).reversed()).toList();
    }

    private static Path base(Path file) {
        Matcher m = ROTATED.matcher(file.getFileName().toString());
        return m.matches() ? file.resolveSibling(m.group(1)) : file;
    }

    private static long generation(Path file) {
        Matcher m = ROTATED.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(2)) : 0;
    }

    /** One verification: the chain so far and where it stands. */
    private static final class Run {

        private final List<Path> files;
        private final Map<Long, String> checkpoints = new HashMap<>();
        private final List<FileSummary> summaries = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private long lines;
        private AuditChainHead last = AuditChainHead.EMPTY;
        private long firstSeq;
        /** Where the last good line is: "line 16 of audit.log". */
        private String lastPlace;
        private Path lastFile;
        private long lastLineNumber;

        Run(List<Path> files, List<AuditChainHead> checkpoints) {
            this.files = List.copyOf(files);
            for (AuditChainHead checkpoint : checkpoints) {
                this.checkpoints.put(checkpoint.seq(), checkpoint.hash());
            }
        }

        Result verify() throws IOException {
            for (int i = 0; i < files.size(); i++) {
                String problem = verifyFile(i);
                if (problem != null) {
                    return result(Status.TAMPERED, problem);
                }
            }
            long missed = checkpoints.keySet().stream().filter(seq -> seq > last.seq()).min(Long::compare).orElse(0L);
            if (missed > 0) {
                return result(Status.TAMPERED, "the log ends at seq " + last.seq() + ", before checkpoint seq "
                        + missed + ": line(s) after " + (lastPlace == null ? "its start" : lastPlace)
                        + " were removed");
            }
            long early = checkpoints.keySet().stream().filter(seq -> seq < firstSeq)
                    .min(Long::compare).orElse(0L);
            if (early > 0) {
                return result(Status.UNCHECKED, "checkpoint seq " + early + " is before the first line given (seq "
                        + firstSeq + "); give the older file that holds it");
            }
            return result(Status.INTACT, null);
        }

        private Result result(Status status, String problem) {
            return new Result(status, problem, List.copyOf(summaries), lines, last, List.copyOf(notes));
        }

        /** Checks one file; returns the first problem, or null. */
        private String verifyFile(int index) throws IOException {
            Path file = files.get(index);
            long fileLines = 0;
            long fileFirst = 0;
            try (LineReader reader = new LineReader(file)) {
                for (byte[] line = reader.next(); line != null; line = reader.next()) {
                    long number = reader.lineNumber();
                    String place = "line " + number + " of " + file;
                    if (reader.incomplete()) {
                        return place + " is incomplete: the file ends in the middle of it (a crash while writing,"
                                + " or a cut)";
                    }
                    String problem = check(line, reader.length(), place, index, number);
                    if (problem != null) {
                        return problem;
                    }
                    fileLines++;
                    fileFirst = fileFirst == 0 ? last.seq() : fileFirst;
                    lastPlace = place;
                    lastFile = file;
                    lastLineNumber = number;
                }
            }
            summaries.add(new FileSummary(file, fileLines, fileFirst, fileLines == 0 ? 0 : last.seq()));
            return null;
        }

        private String check(byte[] bytes, int length, String place, int fileIndex, long number) throws IOException {
            if (length > AuditLineFormat.MAX_LINE_BYTES) {
                return place + " is malformed: it is longer than " + AuditLineFormat.MAX_LINE_BYTES + " bytes";
            }
            ParsedLine line;
            try {
                line = AuditLineFormat.parse(bytes, length);
            } catch (MalformedLineException e) {
                return place + " is malformed: " + e.getMessage();
            }
            if (!line.intact()) {
                return place + " was altered: its content does not match its hash";
            }
            String broken = lines == 0 ? checkStart(line, place) : checkLink(line, place, fileIndex, number);
            if (broken != null) {
                return broken;
            }
            String checkpoint = checkpoints.get(line.seq());
            if (checkpoint != null && !checkpoint.equals(line.hash())) {
                return place + " (seq " + line.seq() + ") does not have the hash of checkpoint " + line.seq() + ":"
                        + checkpoint + ": the log was rewritten up to this line";
            }
            if (AuditCategory.SYSTEM.wireName().equals(line.category())) {
                notes.add(place + " (seq " + line.seq() + "): " + line.operation() + " " + line.outcome()
                        + (line.rows() >= 0 ? ", rows " + line.rows() : ""));
            }
            lines++;
            last = new AuditChainHead(line.seq(), line.hash());
            return null;
        }

        private String checkStart(ParsedLine line, String place) {
            firstSeq = line.seq();
            if (line.seq() == 1) {
                return line.prev().equals(AuditLineFormat.GENESIS)
                        ? null
                        : place + " does not start the chain: seq 1 must have prev " + AuditLineFormat.GENESIS;
            }
            notes.add("the chain starts at seq " + line.seq() + " (" + place
                    + "): earlier lines are in older files, not given here");
            return null;
        }

        private String checkLink(ParsedLine line, String place, int fileIndex, long number) throws IOException {
            long expected = last.seq() + 1;
            if (line.seq() == expected) {
                return line.prev().equals(last.hash())
                        ? null
                        : place + " does not follow " + lastPlace + ": its prev is not the hash of that line"
                                + " (one of them was rewritten)";
            }
            String seqs = "seq " + expected + " expected, " + line.seq() + " found";
            if (line.seq() < expected) {
                return place + " is out of order: " + seqs;
            }
            String later = find(expected, fileIndex, number);
            if (later != null) {
                return place + " is out of order: " + seqs + " (seq " + expected + " is at " + later + ")";
            }
            boolean next = files.get(fileIndex).equals(lastFile) && number == lastLineNumber + 1;
            return "line(s) after " + lastPlace + " were removed: " + seqs + (next ? "" : " at " + place);
        }

        /** Where a line with {@code seq} is after line {@code number} of file {@code fileIndex}, or null. */
        private String find(long seq, int fileIndex, long number) throws IOException {
            for (int i = fileIndex; i < files.size(); i++) {
                try (LineReader reader = new LineReader(files.get(i))) {
                    for (byte[] line = reader.next(); line != null; line = reader.next()) {
                        if (i == fileIndex && reader.lineNumber() <= number) {
                            continue;
                        }
                        if (seqOf(line, reader.length()) == seq) {
                            return "line " + reader.lineNumber() + " of " + files.get(i);
                        }
                    }
                }
            }
            return null;
        }

        private static long seqOf(byte[] line, int length) {
            try {
                return length > AuditLineFormat.MAX_LINE_BYTES ? -1 : AuditLineFormat.parse(line, length).seq();
            } catch (MalformedLineException e) {
                return -1;
            }
        }
    }

    /**
     * The lines of a file as bytes, without their newline. Of a line longer than
     * {@link AuditLineFormat#MAX_LINE_BYTES} only the first {@code MAX_LINE_BYTES + 1} bytes are kept.
     */
    private static final class LineReader implements AutoCloseable {

        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] line = new byte[1024];
        private int length;
        private long number;
        private boolean incomplete;

        LineReader(Path file) throws IOException {
            in = Files.newInputStream(file);
        }

        /** The next line (valid up to {@link #length()}), or null at the end of the file. */
        byte[] next() throws IOException {
            length = 0;
            int b = read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                if (length <= AuditLineFormat.MAX_LINE_BYTES) {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, Math.min(line.length * 2, AuditLineFormat.MAX_LINE_BYTES + 1));
                    }
                    line[length++] = (byte) b;
                }
                b = read();
            }
            incomplete = b < 0;
            number++;
            return line;
        }

        private int read() throws IOException {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer));
                position = 0;
                if (limit == 0) {
                    return -1;
                }
            }
            return buffer[position++] & 0xff;
        }

        /** The length of the current line, or {@code MAX_LINE_BYTES + 1} for any longer line. */
        int length() {
            return length;
        }

        long lineNumber() {
            return number;
        }

        /** Whether the current line is the end of the file without a newline. */
        boolean incomplete() {
            return incomplete;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
