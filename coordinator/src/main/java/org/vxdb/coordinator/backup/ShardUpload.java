package org.vxdb.coordinator.backup;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.vxdb.api.internal.v1.FileChunk;
import org.vxdb.api.internal.v1.FileEnd;
import org.vxdb.api.internal.v1.RestoreShardHeader;
import org.vxdb.api.internal.v1.RestoreShardRequest;
import org.vxdb.api.internal.v1.RestoreShardResponse;
import org.vxdb.api.internal.v1.SnapshotFile;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;

/**
 * Streams the files of one backed-up shard to one node ({@code RestoreShard}) in checksummed
 * chunks, holding back while the stream is not ready (gRPC flow control), and waits for the node
 * to have written the rows.
 */
final class ShardUpload {

    private ShardUpload() {
    }

    /** Sends {@code files} (absolute paths, listed by name) and returns the node's answer. */
    static RestoreShardResponse upload(NodeClient node, String collection, int shard, List<Path> files,
                                       int chunkBytes, Duration timeout) throws IOException {
        CompletableFuture<RestoreShardResponse> answer = new CompletableFuture<>();
        Gate gate = new Gate();
        ClientCallStreamObserver<RestoreShardRequest>[] holder = new ClientCallStreamObserver[1];
        node.internalStreaming().withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .restoreShard(new ClientResponseObserver<RestoreShardRequest, RestoreShardResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<RestoreShardRequest> requests) {
                        holder[0] = requests;
                        requests.setOnReadyHandler(gate::signal);
                    }

                    @Override
                    public void onNext(RestoreShardResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                        gate.signal();
                    }

                    @Override
                    public void onCompleted() {
                        gate.signal();
                    }
                });
        ClientCallStreamObserver<RestoreShardRequest> requests = holder[0];
        boolean sent = false;
        try {
            RestoreShardHeader.Builder header = RestoreShardHeader.newBuilder().setCollection(collection)
                    .setShard(shard);
            for (Path f : files) {
                header.addFiles(SnapshotFile.newBuilder().setName(f.getFileName().toString())
                        .setSize(java.nio.file.Files.size(f)));
            }
            send(requests, gate, answer, RestoreShardRequest.newBuilder().setHeader(header).build());
            for (Path f : files) {
                sendFile(requests, gate, answer, f, chunkBytes);
            }
            requests.onCompleted();
            sent = true;
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw failure(node, collection, shard, e.getCause());
        } catch (NodeAnsweredException e) {
            throw failure(node, collection, shard, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("restore of " + collection + " shard " + shard + " to " + node.id()
                    + " was interrupted", e);
        } catch (TimeoutException e) {
            throw new BackupException("restore of " + collection + " shard " + shard + " to " + node.id()
                    + " did not finish within " + timeout, e);
        } finally {
            if (!sent) {
                requests.cancel("restore upload abandoned", null);
            }
        }
    }

    private static BackupException failure(NodeClient node, String collection, int shard, Throwable cause) {
        String reason = cause instanceof StatusRuntimeException s
                ? s.getStatus().getCode() + ": " + s.getStatus().getDescription() : CallFailures.describe(cause);
        return new BackupException("restore of " + collection + " shard " + shard + " to " + node.id()
                + " failed: " + reason, cause);
    }

    private static void sendFile(ClientCallStreamObserver<RestoreShardRequest> requests, Gate gate,
                                 CompletableFuture<RestoreShardResponse> answer, Path file, int chunkBytes)
            throws IOException, InterruptedException, NodeAnsweredException {
        String name = file.getFileName().toString();
        CRC32C whole = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(chunkBytes);
        long offset = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            while (offset < size) {
                buf.clear().limit((int) Math.min(chunkBytes, size - offset));
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + buf.position()) < 0) {
                        throw new IOException(file + " ended at " + (offset + buf.position()) + " bytes");
                    }
                }
                buf.flip();
                CRC32C crc = new CRC32C();
                crc.update(buf.duplicate());
                whole.update(buf.duplicate());
                send(requests, gate, answer, RestoreShardRequest.newBuilder().setChunk(FileChunk.newBuilder()
                        .setName(name).setOffset(offset).setData(ByteString.copyFrom(buf))
                        .setCrc32C((int) crc.getValue())).build());
                offset += buf.limit();
            }
        }
        send(requests, gate, answer, RestoreShardRequest.newBuilder().setFileEnd(FileEnd.newBuilder().setName(name)
                .setSize(offset).setCrc32C((int) whole.getValue())).build());
    }

    private static void send(ClientCallStreamObserver<RestoreShardRequest> requests, Gate gate,
                             CompletableFuture<RestoreShardResponse> answer, RestoreShardRequest message)
            throws InterruptedException, NodeAnsweredException {
        gate.await(() -> requests.isReady() || answer.isDone());
        if (answer.isDone()) {
            try {
                answer.join();
            } catch (RuntimeException e) {
                throw new NodeAnsweredException(e.getCause() == null ? e : e.getCause());
            }
            throw new NodeAnsweredException(new IllegalStateException("the node answered before every file"
                    + " was sent"));
        }
        requests.onNext(message);
    }

    /** The node ended the call early (an error): stop sending and report its answer. */
    private static final class NodeAnsweredException extends Exception {
        private static final long serialVersionUID = 1L;

        NodeAnsweredException(Throwable cause) {
            super(cause);
        }
    }

    /** Wakes the sender when the stream becomes ready or the call ends. */
    private static final class Gate {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();

        void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void await(java.util.function.BooleanSupplier done) throws InterruptedException {
            lock.lock();
            try {
                while (!done.getAsBoolean()) {
                    changed.await(50, TimeUnit.MILLISECONDS);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
