package org.vxdb.node.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The {@code storage:} section, validated by {@link NodeConfigReader}: absolute, normalized data dirs. */
record StorageSettings(List<Path> dataDirs, long nativeMemoryBudget, long walMaxFileBytes, int walMaxRecordBytes,
                       int indexThreads, Duration indexQuietPeriod, Duration indexMaxDeferral) {

    StorageSettings {
        dataDirs = List.copyOf(dataDirs);
    }
}
