package org.vxdb.coordinator.backup;

import io.grpc.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.vxdb.api.internal.v1.FileChunk;
import org.vxdb.api.internal.v1.FileEnd;
import org.vxdb.api.internal.v1.NodeStatusRequest;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.SnapshotFile;
import org.vxdb.api.internal.v1.SnapshotHeader;
import org.vxdb.api.internal.v1.SnapshotShardRequest;
import org.vxdb.api.internal.v1.SnapshotShardResponse;
import org.vxdb.coordinator.client.CallFailures;
import org.vxdb.coordinator.client.NodeClient;
import org.vxdb.service.io.AtomicFiles;

/**
 * Receives one shard's {@code SnapshotShard} stream into {@code collections/<c>/shard-<s>/} of a
 * backup: every chunk's CRC32C is checked, each file is written as {@code <name>.part}, checked
 * against the node's size and whole-file CRC32C, fsynced and renamed. A stream that breaks or fails
 * a check is cancelled (the node then deletes its snapshot) and reported as a
 * {@link TransferException}, so the caller can try another replica.
 */
final class ShardDownload {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    /** The stream from one replica failed; another replica may do. */
    static final class TransferException extends Exception {
        private static final long serialVersionUID = 1L;

        TransferException(String message) {
            super(message);
        }
    }

    /** What was received: the node's header and the files as written. */
    record Received(String nodeId, SnapshotHeader header, List<BackupManifest.FileEntry> files) {
    }

    private ShardDownload() {
    }

    static Received download(NodeClient node, String collection, int shard, int buckets, int chunkBytes,
                             Duration timeout, Path backupDir) throws IOException, TransferException {
        String relative = BackupLayout.shardDir(collection, shard);
        Path dir = backupDir.resolve(relative);
        Files.createDirectories(dir);
        SnapshotShardRequest request = SnapshotShardRequest.newBuilder().setCollection(collection).setShard(shard)
                .setBuckets(buckets).setChunkBytes(chunkBytes).build();
        checkReady(node);
        Context.CancellableContext call = Context.current().withCancellation();
        Context previous = call.attach();
        try {
            Iterator<SnapshotShardResponse> stream = node.internalBlocking(timeout).snapshotShard(request);
            return receive(stream, relative, dir, node.id());
        } catch (io.grpc.StatusRuntimeException e) {
            throw new TransferException(node.id() + ": " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription());
        } finally {
            call.detach(previous);
            call.cancel(null);
        }
    }

    /** Fails fast (no waiting for a connection) when the node is down or not ready. */
    private static void checkReady(NodeClient node) throws TransferException {
        try {
            NodeStatusResponse status = node.internal(node.callTimeout())
                    .nodeStatus(NodeStatusRequest.getDefaultInstance()).get();
            if (!status.getReady()) {
                throw new TransferException(node.id() + ": not ready: " + status.getNotReadyReason());
            }
        } catch (ExecutionException e) {
            throw new TransferException(node.id() + ": " + CallFailures.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException(node.id() + ": interrupted");
        }
    }

    private static Received receive(Iterator<SnapshotShardResponse> stream, String relative, Path dir, String node)
            throws IOException, TransferException {
        if (!stream.hasNext()) {
            throw new TransferException(node + ": the snapshot stream ended before its header");
        }
        SnapshotShardResponse first = stream.next();
        if (!first.hasHeader()) {
            throw new TransferException(node + ": the snapshot stream did not start with a header");
        }
        SnapshotHeader header = first.getHeader();
        Map<String, Long> expected = new LinkedHashMap<>();
        for (SnapshotFile f : header.getFilesList()) {
            if (!FILE_NAME.matcher(f.getName()).matches() || expected.put(f.getName(), f.getSize()) != null) {
                throw new TransferException(node + ": snapshot file name '" + f.getName()
                        + "' is invalid or listed twice");
            }
        }
        List<BackupManifest.FileEntry> files = new ArrayList<>();
        FileSink sink = null;
        try {
            while (stream.hasNext()) {
                SnapshotShardResponse part = stream.next();
                if (part.hasChunk()) {
                    FileChunk chunk = part.getChunk();
                    if (sink == null) {
                        sink = open(dir, chunk.getName(), expected, files, node);
                    }
                    sink.write(chunk, node);
                } else if (part.hasFileEnd()) {
                    FileEnd end = part.getFileEnd();
                    if (sink == null) {
                        sink = open(dir, end.getName(), expected, files, node); // an empty file
                    }
                    files.add(sink.finish(end, expected.get(sink.name), relative, node));
                    sink = null;
                } else {
                    throw new TransferException(node + ": a second header in the snapshot stream");
                }
            }
        } finally {
            if (sink != null) {
                sink.abandon();
            }
        }
        if (files.size() != expected.size()) {
            throw new TransferException(node + ": the snapshot stream ended after " + files.size() + " of "
                    + expected.size() + " files");
        }
        AtomicFiles.fsyncDirectory(dir);
        return new Received(node, header, files);
    }

    private static FileSink open(Path dir, String name, Map<String, Long> expected,
                                 List<BackupManifest.FileEntry> done, String node) throws IOException,
            TransferException {
        if (!expected.containsKey(name) || done.stream().anyMatch(f -> f.path().endsWith("/" + name))) {
            throw new TransferException(node + ": data for " + name + ", which the header does not list or which"
                    + " already ended");
        }
        return new FileSink(dir, name);
    }

    /** One file being received. */
    private static final class FileSink {
        final String name;
        final Path part;
        final Path file;
        final FileChannel channel;
        final CRC32C crc = new CRC32C();
        long written;

        FileSink(Path dir, String name) throws IOException {
            this.name = name;
            this.file = dir.resolve(name);
            this.part = dir.resolve(name + ".part");
            this.channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }

        void write(FileChunk chunk, String node) throws IOException, TransferException {
            if (!chunk.getName().equals(name)) {
                throw new TransferException(node + ": data for " + chunk.getName() + " before the end of " + name);
            }
            if (chunk.getOffset() != written) {
                throw new TransferException(node + ": chunk of " + name + " at offset " + chunk.getOffset()
                        + ", expected " + written);
            }
            ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
            CRC32C check = new CRC32C();
            check.update(data.duplicate());
            if ((int) check.getValue() != chunk.getCrc32C()) {
                throw new TransferException(String.format("%s: chunk of %s at offset %d fails its CRC32C check (sent"
                        + " %08x, received %08x)", node, name, written, chunk.getCrc32C(), (int) check.getValue()));
            }
            crc.update(data.duplicate());
            while (data.hasRemaining()) {
                channel.write(data);
            }
            written += chunk.getData().size();
        }

        BackupManifest.FileEntry finish(FileEnd end, long listedSize, String relative, String node)
                throws IOException, TransferException {
            if (!end.getName().equals(name)) {
                throw new TransferException(node + ": end of " + end.getName() + " while " + name + " is being sent");
            }
            if (written != end.getSize() || written != listedSize) {
                throw new TransferException(node + ": " + name + " arrived with " + written + " bytes, the node"
                        + " listed " + listedSize);
            }
            if ((int) crc.getValue() != end.getCrc32C()) {
                throw new TransferException(String.format("%s: %s fails its CRC32C check (sent %08x, received %08x)",
                        node, name, end.getCrc32C(), (int) crc.getValue()));
            }
            channel.force(true);
            channel.close();
            AtomicFiles.moveAtomically(part, file);
            return new BackupManifest.FileEntry(relative + "/" + name, written, BackupLayout.hex32(end.getCrc32C()));
        }

        void abandon() throws IOException {
            channel.close();
            Files.deleteIfExists(part);
        }
    }
}
