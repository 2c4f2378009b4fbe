package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.node.grpc.GrpcAssertions.spec;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.internal.v1.IndexState;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardStats;
import org.vxdb.api.internal.v1.ShardStatsRequest;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.index.VectorIndexProviders;
import org.vxdb.service.BuildVersion;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.shard.IndexBuildGate;

/** What a node says about itself (NodeStatus) and about its shards' indexes (ShardStats), which the dashboard shows. */
class NodeStatusTest {

    @TempDir
    Path dir;
    InProcessNode node;

    @BeforeEach
    void start() throws Exception {
        node = new InProcessNode(dir);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private NodeStatusResponse status() {
        return node.internal().nodeStatus(NodeStatusRequest.getDefaultInstance());
    }

    @Test
    void shouldReportReadinessVersionMemoryAndDataDirectories() {
        node.collections().createCollection(CreateCollectionRequest.newBuilder().setSpec(spec("c", 4)).build());
        NodeStatusResponse s = status();
        assertTrue(s.getReady());
        assertEquals("", s.getNotReadyReason());
        assertEquals(BuildVersion.version(), s.getVersion());
        assertEquals(node.engine.config().budget().limit(), s.getNativeMemoryLimit());
        assertEquals(node.engine.config().budget().used(), s.getNativeMemoryUsed());
        assertEquals(1, s.getCollections());
        assertEquals(1, s.getDataDirsCount());
        assertEquals(dir.toString(), s.getDataDirs(0).getPath());
        assertTrue(s.getDataDirs(0).getUsedBytes() > 0, "the collection's config and WAL");
        assertTrue(s.getDataDirs(0).getTotalBytes() >= s.getDataDirs(0).getUsableBytes());
        assertFalse(s.getIndexProvider().isEmpty());
    }

    @Test
    void shouldSayWhyItIsNotReadyAndStillAnswer() {
        node.state.notReady("draining for shutdown");
        NodeStatusResponse s = status();
        assertFalse(s.getReady());
        assertEquals("draining for shutdown", s.getNotReadyReason());
        assertEquals(0, s.getCollections(), "no engine figures while not ready");
    }

    @Test
    void shouldReportAnIndexAsBuildingWhileItWaitsForItsTurnAndReadyOnceBuilt() throws InterruptedException {
        node.collections().createCollection(CreateCollectionRequest.newBuilder().setSpec(spec("ivf", 4).toBuilder()
                .setIndex("IVF8,Flat").setShardCount(1).setBufferRows(5000)).build());
        IndexBuildGate gate = node.engine.config().buildGate();
        assertEquals(1, gate.concurrent());
        assertTrue(gate.enter(() -> false), "the test takes the only build slot");
        Random random = new Random(3);
        long id = 0;
        try {
            for (int batch = 0; batch < StorageEngine.INDEX_BUILD_THRESHOLD / InProcessNode.MAX_BATCH_ROWS; batch++) {
                ShardWriteRequest.Builder w = ShardWriteRequest.newBuilder().setCollection("ivf").setShard(0);
                for (int i = 0; i < InProcessNode.MAX_BATCH_ROWS; i++) {
                    ShardRecord.Builder r = ShardRecord.newBuilder().setId(++id).setVersion(1).setOp(RecordOp.UPSERT);
                    for (int d = 0; d < 4; d++) {
                        r.addValues(random.nextFloat());
                    }
                    w.addRecords(r);
                }
                node.internal().writeShard(w.build());
            }
            if (!faiss()) {
                // The pure-Java provider builds no index: sealed rows are scanned exactly.
                node.engine.require("ivf").shard(0).awaitIndexing();
                assertEquals(IndexState.INDEX_NONE, stats().getIndexState());
                return;
            }
            ShardStats waiting = stats();
            for (int polls = 0; waiting.getIndexState() != IndexState.INDEX_BUILDING && polls < 3000; polls++) {
                Thread.sleep(10);
                waiting = stats(); // the indexer thread marks the build as soon as it is queued for a slot
            }
            assertEquals(IndexState.INDEX_BUILDING, waiting.getIndexState());
            assertEquals(0, waiting.getIndexedRows());
            assertEquals(0, waiting.getIndexMemoryBytes());
        } finally {
            gate.leave();
        }
        if (!faiss()) {
            assertEquals(IndexState.INDEX_NONE, stats().getIndexState());
            assertEquals(0, stats().getIndexedRows());
            return;
        }
        node.engine.require("ivf").shard(0).awaitIndexing();
        ShardStats built = stats();
        assertEquals(IndexState.INDEX_READY, built.getIndexState());
        assertEquals(StorageEngine.INDEX_BUILD_THRESHOLD, built.getIndexedRows());
        assertEquals("IVF8,Flat", built.getIndex());
        assertTrue(built.getIndexMemoryBytes() > 0);
        assertEquals("", built.getIndexError());
    }

    private static boolean faiss() {
        return VectorIndexProviders.get().name().equals("faiss");
    }

    private ShardStats stats() {
        return node.internal().shardStats(ShardStatsRequest.newBuilder().setCollection("ivf").build()).getShards(0);
    }
}
