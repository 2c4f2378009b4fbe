package org.vxdb.coordinator.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import tools.jackson.core.JacksonException;

/**
 * Checks a backup directory before anything is restored from it: the completion marker is there
 * (else the backup was interrupted), the manifest matches the marker's size and checksum, and every
 * file the manifest lists is present with its size and CRC32C. Every failure is a
 * {@link BackupException} naming the backup and the problem.
 */
public final class BackupVerifier {

    private BackupVerifier() {
    }

    /** Verifies {@code dir} whole (every file read once) and returns its manifest. */
    public static BackupManifest verify(Path dir) {
        Path backup = dir.toAbsolutePath();
        if (!Files.isDirectory(backup)) {
            throw new BackupException("backup directory " + backup + " does not exist");
        }
        BackupManifest manifest = readManifest(backup);
        List<BackupManifest.FileEntry> files = new ArrayList<>();
        for (BackupManifest.CollectionEntry c : manifest.collections()) {
            files.add(c.spec());
            c.shards().forEach(s -> files.addAll(s.files()));
        }
        for (BackupManifest.FileEntry f : files) {
            checkFile(backup, f);
        }
        return manifest;
    }

    /** The manifest, once the marker says the backup completed and the manifest is the one it completed with. */
    static BackupManifest readManifest(Path backup) {
        Path marker = backup.resolve(BackupLayout.COMPLETE_MARKER);
        if (!Files.isRegularFile(marker)) {
            throw new BackupException("backup " + backup + " is incomplete: " + BackupLayout.COMPLETE_MARKER
                    + " is missing, so the backup was interrupted or is still running; it cannot be restored"
                    + " (take a new backup)");
        }
        try {
            List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
            byte[] json = Files.readAllBytes(backup.resolve(BackupLayout.MANIFEST));
            CRC32C crc = new CRC32C();
            crc.update(json);
            if (lines.size() != 3 || !lines.get(0).equals(BackupLayout.MARKER_MAGIC)
                    || !lines.get(1).equals("manifest-bytes " + json.length)
                    || !lines.get(2).equals("manifest-crc32c " + BackupLayout.hex32((int) crc.getValue()))) {
                throw new BackupException("backup " + backup + " is damaged: " + BackupLayout.MANIFEST
                        + " does not match the size and checksum in " + BackupLayout.COMPLETE_MARKER);
            }
            BackupManifest manifest = BackupManifest.JSON.readValue(json, BackupManifest.class);
            if (manifest.format() != BackupManifest.FORMAT) {
                throw new BackupException("backup " + backup + " has format " + manifest.format() + "; this version"
                        + " reads format " + BackupManifest.FORMAT);
            }
            return manifest;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BackupException("backup " + backup + " is damaged: " + BackupLayout.MANIFEST + " is missing", e);
        } catch (IOException e) {
            throw new BackupException("backup " + backup + " cannot be read: " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new BackupException("backup " + backup + " is damaged: " + BackupLayout.MANIFEST
                    + " cannot be parsed: " + e.getOriginalMessage(), e);
        }
    }

    private static void checkFile(Path backup, BackupManifest.FileEntry f) {
        if (f.path().contains("..") || f.path().startsWith("/")) {
            throw new BackupException("backup " + backup + " is damaged: the manifest names a path outside it: "
                    + f.path());
        }
        Path file = backup.resolve(f.path());
        try {
            if (!Files.isRegularFile(file)) {
                throw new BackupException("backup " + backup + " is damaged: " + f.path() + " is missing");
            }
            long size = Files.size(file);
            if (size != f.size()) {
                throw new BackupException("backup " + backup + " is damaged: " + f.path() + " is " + size
                        + " bytes, the manifest says " + f.size());
            }
            String crc = BackupLayout.hex32(BackupFiles.crc32c(file));
            if (!crc.equals(f.crc32c())) {
                throw new BackupException("backup " + backup + " is damaged: " + f.path() + " has CRC32C " + crc
                        + ", the manifest says " + f.crc32c());
            }
        } catch (IOException e) {
            throw new BackupException("backup " + backup + " cannot be read: " + f.path() + ": " + e.getMessage(), e);
        }
    }
}
