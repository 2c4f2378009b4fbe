package org.vxdb.storage.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Naming of WAL files: {@code wal-<first LSN, 20 digits>.log}, so names sort in LSN order. */
final class WalFiles {

    static final String LOCK_FILE_NAME = "wal.lock";

    private static final Logger LOG = LoggerFactory.getLogger(WalFiles.class);
    private static final Pattern NAME = Pattern.compile("wal-(\\d{20})\\.log");

    private WalFiles() {
    }

    static String fileName(long firstLsn) {
        return String.format("wal-%020d.log", firstLsn);
    }

    /** The first LSN named by a path that {@link #list} returned. */
    static long firstLsn(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a WAL file name: " + file);
        }
        return Long.parseLong(m.group(1));
    }

    /** The WAL files of {@code dir} in LSN order; other files are left alone. */
    static List<Path> list(Path dir) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "wal-*.log")) {
            for (Path entry : entries) {
                if (isWalFile(entry)) {
                    files.add(entry);
                } else {
                    LOG.warn("Ignoring {}: not a WAL file name (wal-<20 digit LSN>.log)", entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list WAL directory " + dir + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparingLong(WalFiles::firstLsn));
        return files;
    }

    private static boolean isWalFile(Path entry) {
        Matcher m = NAME.matcher(entry.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(entry)) {
            return false;
        }
        try {
            Long.parseLong(m.group(1));
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }
}
