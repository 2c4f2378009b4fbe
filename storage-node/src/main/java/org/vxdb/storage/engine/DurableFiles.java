package org.vxdb.storage.engine;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.vxdb.index.spi.IndexFiles;

/**
 * File-system changes that survive a crash once the method returns: a file replaced atomically,
 * a directory whose entry is in its fsynced parent, a tree whose removal is recorded in its parent.
 */
final class DurableFiles {

    private DurableFiles() {
    }

    /** Creates {@code dir} and any missing parents, fsyncing the parent of each one created. */
    static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (Files.exists(absolute)) {
            throw new NotDirectoryException(absolute.toString());
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        Files.createDirectory(absolute);
        if (parent != null) {
            IndexFiles.fsyncDirectory(parent);
        }
    }

    /** Deletes {@code file} (if present) and fsyncs its directory. */
    static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            IndexFiles.fsyncDirectory(file.getParent());
        }
    }

    /**
     * Deletes {@code root} and everything below it, then fsyncs its parent. A crash part-way leaves
     * a smaller tree, never a partly written file; callers make that leftover recognisable.
     */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteIfPresent(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                deleteIfPresent(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        IndexFiles.fsyncDirectory(root.toAbsolutePath().getParent());
    }

    private static void deleteIfPresent(Path path) throws IOException {
        try {
            Files.delete(path);
        } catch (NoSuchFileException ignored) {
            // Already gone: the goal of this call.
        }
    }
}
