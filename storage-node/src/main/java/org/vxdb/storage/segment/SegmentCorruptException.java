package org.vxdb.storage.segment;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A segment file that fails verification: bad magic, a checksum mismatch, a block outside the
 * file, an inconsistent length. The message names the file, the part (the header or a block), the
 * file offset of that part and the reason, e.g.
 * {@code corrupt segment /d/seg-1.vxs: VECTORS block at offset 256 fails its CRC32C check}.
 */
public final class SegmentCorruptException extends IOException {

    private final Path file;
    private final String part;
    private final long offset;

    public SegmentCorruptException(Path file, String part, long offset, String reason) {
        this(file, part, offset, reason, null);
    }

    public SegmentCorruptException(Path file, String part, long offset, String reason, Throwable cause) {
        super("corrupt segment " + file + ": " + part + " at offset " + offset + " " + reason, cause);
        this.file = file;
        this.part = part;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** {@code "header"}, a block name such as {@code "VECTORS block"}, or a finer part of one. */
    public String part() {
        return part;
    }

    /** File offset of the part that failed. */
    public long offset() {
        return offset;
    }
}
