package org.vxdb.storage.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/** Opens the channels the writer appends to; tests substitute one that injects I/O faults. */
@FunctionalInterface
interface WalChannelFactory {

    WalChannelFactory DEFAULT = (file, options) -> FileChannel.open(file, options);

    FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;
}
