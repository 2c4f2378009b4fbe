package org.vxdb.storage.wal;

import java.nio.file.Path;

/** A WAL record that cannot be a torn tail: a bad record followed by valid data, or in a non-last file. */
public final class WalCorruptionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public WalCorruptionException(Path file, long offset, String reason) {
        super("corrupt WAL record in " + file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
