package org.vxdb.cli.load;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import org.vxdb.cli.CliException;

/**
 * How far an import got: the rows of the input the cluster acknowledged, written after every batch
 * (to a temporary file, forced, then renamed over the old one), so that an interrupted import
 * resumes after the last acknowledged batch. It names the collection and the input's size and
 * modification time: an input changed since then is refused rather than resumed at the wrong row.
 * Rows past the saved count may have been written too (the batch in flight): they are sent again,
 * and as writes are upserts by id each row ends up present once.
 */
final class ImportState {

    private final Path file;
    private final String collection;
    private final Path input;
    private final long inputSize;
    private final long inputModified;
    private long rows;

    private ImportState(Path file, String collection, Path input, long inputSize, long inputModified, long rows) {
        this.file = file;
        this.collection = collection;
        this.input = input;
        this.inputSize = inputSize;
        this.inputModified = inputModified;
        this.rows = rows;
    }

    /** The default state file: beside the input, {@code <input>.vxdb-import}. */
    static Path defaultFile(Path input) {
        return input.resolveSibling(input.getFileName() + ".vxdb-import");
    }

    /** The saved state of this import, or a fresh one at row 0. */
    static ImportState open(Path file, String collection, Path input) throws IOException {
        Path abs = input.toAbsolutePath().normalize();
        long size = Files.size(input);
        long modified = Files.getLastModifiedTime(input).toMillis();
        if (!Files.exists(file)) {
            return new ImportState(file, collection, abs, size, modified, 0);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String savedCollection = p.getProperty("collection");
        long savedRows;
        long savedSize;
        long savedModified;
        try {
            savedRows = Long.parseLong(p.getProperty("rows", ""));
            savedSize = Long.parseLong(p.getProperty("input_size", ""));
            savedModified = Long.parseLong(p.getProperty("input_modified_millis", ""));
        } catch (NumberFormatException e) {
            throw new CliException("state file " + file + " is damaged: delete it to start the import over");
        }
        if (!collection.equals(savedCollection)) {
            throw new CliException("state file " + file + " belongs to an import into '" + savedCollection
                    + "', not '" + collection + "': delete it or give --state another file");
        }
        if (savedSize != size || savedModified != modified) {
            throw new CliException(input + " changed since the interrupted import (state file " + file
                    + "): delete the state file to start over");
        }
        return new ImportState(file, collection, abs, size, modified, savedRows);
    }

    long rows() {
        return rows;
    }

    Path file() {
        return file;
    }

    /** Records that the first {@code acknowledged} rows are written. */
    void save(long acknowledged) throws IOException {
        rows = acknowledged;
        Properties p = new Properties();
        p.setProperty("collection", collection);
        p.setProperty("input", input.toString());
        p.setProperty("input_size", Long.toString(inputSize));
        p.setProperty("input_modified_millis", Long.toString(inputModified));
        p.setProperty("rows", Long.toString(rows));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "vxdb import: rows of the input the cluster acknowledged");
        }
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The import finished: no state to resume from. */
    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
