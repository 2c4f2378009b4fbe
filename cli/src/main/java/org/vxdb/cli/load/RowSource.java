package org.vxdb.cli.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.vxdb.cli.CliException;

/** The rows of an input file in order. Closed by its owner, the import. */
public interface RowSource extends AutoCloseable {

    /** The next row, or null at the end. */
    Row next() throws IOException;

    /** Reads past the first {@code rows} rows (already imported by an earlier run). */
    default void skip(long rows) throws IOException {
        for (long i = 0; i < rows; i++) {
            if (next() == null) {
                throw new CliException("the input has fewer rows than the state file says were imported (" + rows
                        + "): delete the state file to start over");
            }
        }
    }

    /** The share of the file read so far, 0..1. */
    double progress();

    @Override
    void close() throws IOException;

    /** The formats by name, as {@code --format} takes them. */
    enum Format {
        FVECS, JSONL, CSV;

        static Format of(String name, Path file) {
            String n = name != null ? name.toLowerCase(Locale.ROOT) : extension(file);
            return switch (n) {
                case "fvecs" -> FVECS;
                case "jsonl", "json", "ndjson" -> JSONL;
                case "csv" -> CSV;
                default -> throw new CliException(name != null
                        ? "--format '" + name + "' is invalid: use fvecs, jsonl or csv"
                        : file + ": cannot tell the format from the extension: give --format fvecs, jsonl or csv");
            };
        }

        private static String extension(Path file) {
            String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
            int dot = n.lastIndexOf('.');
            return dot < 0 ? "" : n.substring(dot + 1);
        }
    }
}
