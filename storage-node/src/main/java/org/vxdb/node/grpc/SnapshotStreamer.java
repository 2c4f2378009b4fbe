package org.vxdb.node.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.BucketDigest;
import org.vxdb.api.internal.v1.FileChunk;
import org.vxdb.api.internal.v1.FileEnd;
import org.vxdb.api.internal.v1.SnapshotFile;
import org.vxdb.api.internal.v1.SnapshotHeader;
import org.vxdb.api.internal.v1.SnapshotShardRequest;
import org.vxdb.api.internal.v1.SnapshotShardResponse;
import org.vxdb.storage.backup.ShardSnapshot;
import org.vxdb.storage.backup.SnapshotFiles;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.shard.Shard;

/**
 * Serves {@code SnapshotShard}: takes a {@link ShardSnapshot} and streams its files in checksummed
 * chunks, on a thread of its own so that gRPC's flow control (the client reading slower than the
 * disk) holds the stream instead of buffering the files in memory. Each file's own checksums are
 * verified just before it is sent. The snapshot is deleted when the stream ends, fails or is
 * cancelled.
 */
final class SnapshotStreamer {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStreamer.class);
    static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    static final int MAX_CHUNK_BYTES = 4 << 20;

    private final NodeState node;

    SnapshotStreamer(NodeState node) {
        this.node = node;
    }

    void serve(SnapshotShardRequest request, StreamObserver<SnapshotShardResponse> out) {
        ServerCallStreamObserver<SnapshotShardResponse> call = (ServerCallStreamObserver<SnapshotShardResponse>) out;
        ReadyGate gate = new ReadyGate();
        call.setOnReadyHandler(gate::signal);
        call.setOnCancelHandler(gate::signal);
        Thread.ofVirtual().name("vxdb-snapshot-" + request.getCollection() + "-" + request.getShard())
                .start(() -> stream(request, call, gate));
    }

    private void stream(SnapshotShardRequest request, ServerCallStreamObserver<SnapshotShardResponse> call,
                        ReadyGate gate) {
        try {
            Collection c = collection(request.getCollection());
            Shard shard = c.shard(SearchExecution.shard(c, request.getShard(), "shard"));
            int buckets = request.getBuckets();
            if (buckets < 1 || buckets > StorageNodeGrpcService.MAX_DIGEST_BUCKETS) {
                throw new IllegalArgumentException("buckets: " + Integer.toUnsignedString(buckets)
                        + " is invalid: use 1-" + StorageNodeGrpcService.MAX_DIGEST_BUCKETS);
            }
            int chunk = request.getChunkBytes() == 0 ? DEFAULT_CHUNK_BYTES : request.getChunkBytes();
            if (chunk < 1 || chunk > MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException("chunk_bytes: " + Integer.toUnsignedString(chunk)
                        + " is invalid: use 1-" + MAX_CHUNK_BYTES);
            }
            String id = UUID.randomUUID().toString();
            try (ShardSnapshot snapshot = shard.snapshot(id, buckets)) {
                LOG.info("snapshot {} of {} shard {}: {} files, {} records, {} buffered rows", id,
                        request.getCollection(), request.getShard(), snapshot.files().size(), snapshot.records(),
                        snapshot.tailRows());
                SnapshotHeader.Builder header = SnapshotHeader.newBuilder().setSpec(CollectionMapping.toSpec(c.config()))
                        .setRecords(snapshot.records()).setLiveVectors(snapshot.liveVectors())
                        .setMaxVersion(snapshot.maxVersion()).setTailRows(snapshot.tailRows())
                        .setSnapshotMillis(snapshot.takenMillis()).setSnapshotId(id);
                for (String f : snapshot.files()) {
                    header.addFiles(SnapshotFile.newBuilder().setName(f).setSize(Files.size(snapshot.dir().resolve(f))));
                }
                for (org.vxdb.storage.shard.BucketDigest d : snapshot.digest()) {
                    header.addDigest(BucketDigest.newBuilder().setBucket(d.bucket()).setRecords(d.records())
                            .setHash(d.hash()));
                }
                send(call, gate, SnapshotShardResponse.newBuilder().setHeader(header).build());
                for (SnapshotFile f : header.getFilesList()) {
                    sendFile(call, gate, snapshot.dir().resolve(f.getName()), f.getSize(), chunk);
                }
            }
            call.onCompleted();
        } catch (CancelledException e) {
            LOG.info("snapshot stream of {} shard {} cancelled by the client", request.getCollection(),
                    request.getShard());
        } catch (Exception e) {
            try {
                call.onError(GrpcErrors.toStatus(e));
            } catch (RuntimeException alreadyClosed) {
                LOG.debug("snapshot stream closed before its error could be sent: {}", alreadyClosed.toString());
            }
        }
    }

    private static void sendFile(ServerCallStreamObserver<SnapshotShardResponse> call, ReadyGate gate, Path file,
                                 long size, int chunkBytes) throws IOException, CancelledException {
        SnapshotFiles.verify(file);
        String name = file.getFileName().toString();
        CRC32C whole = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(chunkBytes);
        long offset = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (offset < size) {
                buf.clear().limit((int) Math.min(chunkBytes, size - offset));
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + buf.position()) < 0) {
                        throw new IOException("snapshot file " + file + " ended at " + (offset + buf.position())
                                + " bytes, expected " + size);
                    }
                }
                buf.flip();
                CRC32C crc = new CRC32C();
                crc.update(buf.duplicate());
                whole.update(buf.duplicate());
                send(call, gate, SnapshotShardResponse.newBuilder().setChunk(FileChunk.newBuilder().setName(name)
                        .setOffset(offset).setData(ByteString.copyFrom(buf)).setCrc32C((int) crc.getValue())).build());
                offset += buf.limit();
            }
        }
        send(call, gate, SnapshotShardResponse.newBuilder().setFileEnd(FileEnd.newBuilder().setName(name)
                .setSize(size).setCrc32C((int) whole.getValue())).build());
    }

    private static void send(ServerCallStreamObserver<SnapshotShardResponse> call, ReadyGate gate,
                             SnapshotShardResponse message) throws CancelledException {
        gate.awaitReady(call::isReady, call::isCancelled);
        call.onNext(message);
    }

    private Collection collection(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        return node.engine().require(name);
    }

    /** The client cancelled the stream: unwinds the sender, which then deletes the snapshot. */
    static final class CancelledException extends Exception {
        private static final long serialVersionUID = 1L;

        CancelledException() {
            super(Status.CANCELLED.getCode().toString(), null, false, false);
        }
    }
}
