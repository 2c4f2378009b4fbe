package org.vxdb.coordinator.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** Checksums and sizes for backup directories (writes: AtomicFiles, removals: FileTrees). */
final class BackupFiles {

    private BackupFiles() {
    }

    /** CRC32C of a whole file, read in 1 MiB steps. */
    static int crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                crc.update(buf, 0, n);
            }
        }
        return (int) crc.getValue();
    }

    /** Bytes in a human unit for progress lines. */
    static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
