package org.vxdb.node.config;

import java.time.Duration;
import org.vxdb.storage.wal.FsyncPolicy;

/** PLACEHOLDER until the node-config branch lands. */
public record CollectionDefaults(FsyncPolicy fsyncPolicy, Duration batchWindow, int bufferRows, long bufferBytes,
                                 Duration bufferAge) {
}
