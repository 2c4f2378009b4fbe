package org.vxdb.service.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vxdb audit verify [--checkpoint SEQ:HASH]... FILE...}: checks an audit log, one file or a
 * rotated set, with {@link AuditVerifier}. Files of one rotated set are put in the order they were
 * written whatever order they are given in ({@code audit.log*} works); other files are checked in
 * the order given, oldest first.
 *
 * <p>Prints one line per file checked, a {@code note:} per line the log wrote about itself (events
 * it lost, a torn line it cut), and a last line {@code OK: ...} or {@code TAMPERED: <first problem>}.
 * Exit status: 0 intact, 1 tampered, 2 usage error, unreadable file, or a checkpoint before the
 * first line given.
 */
public final class AuditVerifyMain {

    static final String USAGE = "usage: vxdb audit verify [--checkpoint SEQ:HASH]... FILE...";
    private static final String NAME = "vxdb audit verify";
    private static final Pattern CHECKPOINT = Pattern.compile("(\\d{1,18}):([0-9a-fA-F]{64})");

    private AuditVerifyMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        List<AuditChainHead> checkpoints = new ArrayList<>();
        try {
            boolean options = true;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (options && (arg.equals("--help") || arg.equals("-h"))) {
                    out.println(USAGE);
                    return 0;
                } else if (options && arg.equals("--checkpoint")) {
                    if (++i == args.length) {
                        throw new IllegalArgumentException("--checkpoint needs SEQ:HASH");
                    }
                    checkpoints.add(checkpoint(args[i]));
                } else if (options && arg.startsWith("--checkpoint=")) {
                    checkpoints.add(checkpoint(arg.substring("--checkpoint=".length())));
                } else if (options && arg.equals("--")) {
                    options = false;
                } else if (options && arg.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option '" + arg + "'");
                } else {
                    files.add(file(arg, files));
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("give the audit log file(s) to verify");
            }
        } catch (IllegalArgumentException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        return verify(AuditVerifier.rotationOrder(files), checkpoints, out, err);
    }

    private static int verify(List<Path> files, List<AuditChainHead> checkpoints, PrintStream out, PrintStream err) {
        AuditVerifier.Result result;
        try {
            result = AuditVerifier.verify(files, checkpoints);
        } catch (IOException e) {
            err.println(NAME + ": cannot read: " + e);
            return 2;
        }
        result.files().forEach(out::println);
        result.notes().forEach(note -> out.println("note: " + note));
        out.println(result.summary());
        return switch (result.status()) {
            case INTACT -> 0;
            case TAMPERED -> 1;
            case UNCHECKED -> 2;
        };
    }

    private static AuditChainHead checkpoint(String text) {
        Matcher m = CHECKPOINT.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) < 1) {
            throw new IllegalArgumentException("--checkpoint '" + text + "' is invalid: use SEQ:HASH, a line's seq"
                    + " and its 64 hex digit hash, as the server logs them (audit log checkpoint: FILE at SEQ:HASH)");
        }
        return new AuditChainHead(Long.parseLong(m.group(1)), m.group(2).toLowerCase(Locale.ROOT));
    }

    private static Path file(String arg, List<Path> earlier) {
        Path file = Path.of(arg);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(arg + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(arg + ": not a file");
        }
        if (earlier.contains(file)) {
            throw new IllegalArgumentException(arg + ": given twice");
        }
        return file;
    }
}
