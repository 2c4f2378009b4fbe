package org.vxdb.storage.wal;

import java.nio.file.Path;

/**
 * A WAL file that is no longer written to.
 *
 * @param lastLsn LSN of its last record; {@code firstLsn - 1} if it holds none
 */
record WalFile(Path path, long firstLsn, long lastLsn) {
}
