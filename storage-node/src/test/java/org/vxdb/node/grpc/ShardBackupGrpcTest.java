package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.node.grpc.GrpcAssertions.spec;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.internal.v1.FileChunk;
import org.vxdb.api.internal.v1.FileEnd;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.RestoreShardHeader;
import org.vxdb.api.internal.v1.RestoreShardRequest;
import org.vxdb.api.internal.v1.RestoreShardResponse;
import org.vxdb.api.internal.v1.ShardDigestRequest;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.SnapshotFile;
import org.vxdb.api.internal.v1.SnapshotHeader;
import org.vxdb.api.internal.v1.SnapshotShardRequest;
import org.vxdb.api.internal.v1.SnapshotShardResponse;
import org.vxdb.api.internal.v1.StorageNodeServiceGrpc;
import org.vxdb.api.v1.CreateCollectionRequest;

/** SnapshotShard and RestoreShard over gRPC: chunks and checksums, restore to the same digest, cleanup. */
class ShardBackupGrpcTest {

    @TempDir
    Path dir;
    InProcessNode node;

    @BeforeEach
    void start() throws Exception {
        node = new InProcessNode(dir);
        for (String name : new String[] {"c", "copy"}) {
            node.collections().createCollection(CreateCollectionRequest.newBuilder()
                    .setSpec(spec(name, 2).toBuilder().setShardCount(2)).build());
        }
        ShardWriteRequest.Builder w = ShardWriteRequest.newBuilder().setCollection("c").setShard(0);
        for (long id = 1; id <= 60; id++) {
            w.addRecords(ShardRecord.newBuilder().setId(id).setVersion(id).setOp(RecordOp.UPSERT).addValues(id)
                    .addValues(-id));
        }
        w.addRecords(ShardRecord.newBuilder().setId(7).setVersion(100).setOp(RecordOp.DELETE));
        node.internal().writeShard(w.build());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private SnapshotShardRequest snapshotRequest(int chunkBytes) {
        return SnapshotShardRequest.newBuilder().setCollection("c").setShard(0).setBuckets(8)
                .setChunkBytes(chunkBytes).build();
    }

    @Test
    void shouldStreamASnapshotInCheckedChunksThatRestoresToTheSameDigest() throws Exception {
        Iterator<SnapshotShardResponse> stream = node.internal().snapshotShard(snapshotRequest(100));
        SnapshotHeader header = stream.next().getHeader();
        assertEquals(60, header.getRecords());
        assertEquals(59, header.getLiveVectors());
        assertEquals(61, header.getTailRows());
        assertEquals(List.of("MANIFEST", "buffer-rows.vxt"),
                header.getFilesList().stream().map(SnapshotFile::getName).toList());
        Map<String, byte[]> files = receive(stream);
        assertEquals(header.getFiles(1).getSize(), files.get("buffer-rows.vxt").length);
        assertEquals(node.internal().shardDigest(ShardDigestRequest.newBuilder().setCollection("c").setShard(0)
                .setBuckets(8).build()).getBucketsList(), header.getDigestList());
        assertTrue(snapshotsLeft().isEmpty(), "the snapshot is deleted once streamed: " + snapshotsLeft());

        RestoreShardResponse restored = restore(files, false).get(10, TimeUnit.SECONDS);
        assertEquals(61, restored.getRowsApplied());
        assertEquals(header.getDigestList(), node.internal().shardDigest(ShardDigestRequest.newBuilder()
                .setCollection("copy").setShard(0).setBuckets(8).build()).getBucketsList());
    }

    @Test
    void shouldDeleteTheSnapshotWhenTheClientCancels() throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        Context previous = call.attach();
        try {
            Iterator<SnapshotShardResponse> stream = node.internal().snapshotShard(snapshotRequest(1));
            assertTrue(stream.next().hasHeader());
            assertTrue(stream.next().hasChunk());
            assertFalse(snapshotsLeft().isEmpty(), "the snapshot exists while it is streamed");
        } finally {
            call.detach(previous);
            call.cancel(null);
        }
        for (int i = 0; i < 200 && !snapshotsLeft().isEmpty(); i++) {
            Thread.sleep(50); // the sender notices the cancel at its next chunk
        }
        assertEquals(List.of(), snapshotsLeft());
    }

    @Test
    void shouldRefuseAChunkThatFailsItsChecksumAndRemoveTheStagedFiles() throws Exception {
        Map<String, byte[]> files = receive(dropHeader(node.internal().snapshotShard(snapshotRequest(1 << 20))));
        CRC32C crc = new CRC32C();
        crc.update(files.get("buffer-rows.vxt"));
        CompletableFuture<RestoreShardResponse> result = restore(files, true);
        StatusRuntimeException e = (StatusRuntimeException) result.handle((r, t) -> t).get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(String.format("restore of copy shard 0: chunk of buffer-rows.vxt at offset 0 fails its CRC32C"
                + " check (sent %08x, computed %08x)", (int) crc.getValue() ^ 1, (int) crc.getValue()),
                e.getStatus().getDescription());
        Path staging = dir.resolve("collections/copy/shard-0/restore");
        assertEquals(List.of(), Files.exists(staging) ? Files.list(staging).toList() : List.of());
    }

    private static Iterator<SnapshotShardResponse> dropHeader(Iterator<SnapshotShardResponse> stream) {
        assertTrue(stream.next().hasHeader());
        return stream;
    }

    private List<Path> snapshotsLeft() throws Exception {
        Path snapshots = dir.resolve("collections/c/shard-0/snapshots");
        if (!Files.exists(snapshots)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.toList();
        }
    }

    /** Assembles the chunks of each file, checking offsets, chunk CRCs and the whole-file CRC. */
    private static Map<String, byte[]> receive(Iterator<SnapshotShardResponse> stream) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        while (stream.hasNext()) {
            SnapshotShardResponse part = stream.next();
            if (part.hasChunk()) {
                FileChunk c = part.getChunk();
                assertEquals(current.size(), c.getOffset());
                CRC32C crc = new CRC32C();
                crc.update(c.getData().toByteArray());
                assertEquals((int) crc.getValue(), c.getCrc32C());
                current.writeBytes(c.getData().toByteArray());
            } else {
                FileEnd end = part.getFileEnd();
                CRC32C crc = new CRC32C();
                crc.update(current.toByteArray());
                assertEquals((int) crc.getValue(), end.getCrc32C());
                assertEquals(current.size(), end.getSize());
                files.put(end.getName(), current.toByteArray());
                current = new ByteArrayOutputStream();
            }
        }
        return files;
    }

    private CompletableFuture<RestoreShardResponse> restore(Map<String, byte[]> files, boolean badChunk) {
        CompletableFuture<RestoreShardResponse> result = new CompletableFuture<>();
        StreamObserver<RestoreShardRequest> requests = StorageNodeServiceGrpc.newStub(node.channel())
                .restoreShard(new StreamObserver<>() {
                    @Override
                    public void onNext(RestoreShardResponse r) {
                        result.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        RestoreShardHeader.Builder header = RestoreShardHeader.newBuilder().setCollection("copy").setShard(0);
        files.forEach((name, bytes) -> header.addFiles(SnapshotFile.newBuilder().setName(name).setSize(bytes.length)));
        requests.onNext(RestoreShardRequest.newBuilder().setHeader(header).build());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            CRC32C crc = new CRC32C();
            crc.update(f.getValue());
            boolean bad = badChunk && f.getKey().equals("buffer-rows.vxt");
            int sent = bad ? (int) crc.getValue() ^ 1 : (int) crc.getValue();
            requests.onNext(RestoreShardRequest.newBuilder().setChunk(FileChunk.newBuilder().setName(f.getKey())
                    .setOffset(0).setData(ByteString.copyFrom(f.getValue())).setCrc32C(sent)).build());
            requests.onNext(RestoreShardRequest.newBuilder().setFileEnd(FileEnd.newBuilder().setName(f.getKey())
                    .setSize(f.getValue().length).setCrc32C((int) crc.getValue())).build());
        }
        requests.onCompleted();
        return result;
    }
}
