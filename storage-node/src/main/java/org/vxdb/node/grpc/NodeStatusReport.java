package org.vxdb.node.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.vxdb.api.internal.v1.DataDirStatus;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.service.BuildVersion;
import org.vxdb.storage.engine.EngineStats;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.memory.NativeMemoryBudget;

/**
 * What a node says about itself in {@code NodeStatus}: readiness (and why not), version, uptime,
 * native memory against its budget, and each data directory's use and free space. Answers while
 * the node is still opening storage or draining, so that an operator sees "not ready" and why,
 * rather than nothing.
 */
public final class NodeStatusReport {

    private final NodeState state;
    private final List<Path> dataDirs;
    private final long configuredBudget;
    private final long startedAtMillis = System.currentTimeMillis();
    private final long startedNanos = System.nanoTime();

    /** @param configuredBudget the native-memory budget, reported until the engine (which owns it) is open */
    public NodeStatusReport(NodeState state, List<Path> dataDirs, long configuredBudget) {
        this.state = state;
        this.dataDirs = List.copyOf(dataDirs);
        this.configuredBudget = configuredBudget;
    }

    public NodeStatusResponse report() {
        String reason = state.notReadyReason();
        NodeStatusResponse.Builder b = NodeStatusResponse.newBuilder()
                .setReady(reason == null)
                .setNotReadyReason(reason == null ? "" : reason)
                .setVersion(BuildVersion.version())
                .setStartedAtMillis(startedAtMillis)
                .setUptimeMillis((System.nanoTime() - startedNanos) / 1_000_000)
                .setNativeMemoryLimit(configuredBudget)
                .setIndexProvider(VectorIndexProviders.get().name());
        StorageEngine engine = state.engineForDrain();
        if (engine != null) {
            NativeMemoryBudget budget = engine.config().budget();
            b.setNativeMemoryUsed(budget.used()).setNativeMemoryLimit(budget.limit());
        }
        if (state.clock() != null) {
            b.setMaxVersion(state.clock().last());
        }
        if (engine != null && reason == null) {
            try {
                EngineStats s = engine.stats();
                b.setCollections(s.collections()).setVectors(s.vectors());
            } catch (IllegalStateException closed) {
                // closed between the readiness check and the stats: report it as it was
            }
        }
        for (Path dir : dataDirs) {
            b.addDataDirs(dirStatus(dir));
        }
        return b.build();
    }

    private static DataDirStatus dirStatus(Path dir) {
        DataDirStatus.Builder d = DataDirStatus.newBuilder().setPath(dir.toString());
        try {
            FileStore store = Files.getFileStore(dir);
            d.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace()).setUsedBytes(bytesUnder(dir));
        } catch (IOException | UncheckedIOException e) {
            // a missing or unreadable directory reports zeros; the node's own log says why
        }
        return d.build();
    }

    /** Bytes of the regular files under {@code dir} (files removed while walking are skipped). */
    private static long bytesUnder(Path dir) throws IOException {
        AtomicLong total = new AtomicLong();
        try (Stream<Path> files = Files.walk(dir)) {
            files.forEach(f -> {
                try {
                    if (Files.isRegularFile(f)) {
                        total.addAndGet(Files.size(f));
                    }
                } catch (IOException gone) {
                    // removed by a seal or compaction meanwhile
                }
            });
        }
        return total.get();
    }
}
