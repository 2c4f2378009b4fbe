package org.vxdb.storage.metaindex;

import java.io.IOException;
import java.nio.file.Path;

/** A metadata index file that cannot be used: damaged, truncated, or not of its segment. It is rebuilt. */
public final class MetadataIndexCorruptException extends IOException {

    public MetadataIndexCorruptException(Path file, String reason) {
        super("metadata index file " + file + " is unusable: " + reason);
    }

    public MetadataIndexCorruptException(Path file, String reason, Throwable cause) {
        super("metadata index file " + file + " is unusable: " + reason, cause);
    }
}
