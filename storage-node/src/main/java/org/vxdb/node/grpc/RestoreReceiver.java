package org.vxdb.node.grpc;

import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.FileChunk;
import org.vxdb.api.internal.v1.FileEnd;
import org.vxdb.api.internal.v1.RestoreShardHeader;
import org.vxdb.api.internal.v1.RestoreShardRequest;
import org.vxdb.api.internal.v1.RestoreShardResponse;
import org.vxdb.api.internal.v1.SnapshotFile;
import org.vxdb.service.io.FileTrees;
import org.vxdb.storage.backup.ShardRestore;
import org.vxdb.storage.engine.Collection;
import org.vxdb.storage.shard.Shard;

/**
 * Receives one {@code RestoreShard} stream: the header names the shard and the files, then come
 * each file's chunks and its end. Chunks are written to a staging directory in the shard's
 * directory with every chunk's and file's CRC32C checked; when the client half-closes, the rows are
 * written into the shard ({@link ShardRestore}) and the staging directory is deleted, whatever the
 * outcome.
 */
final class RestoreReceiver implements StreamObserver<RestoreShardRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreReceiver.class);
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final NodeState node;
    private final StreamObserver<RestoreShardResponse> out;
    private final Map<String, Long> expected = new LinkedHashMap<>();
    private final List<String> finished = new ArrayList<>();
    private String what = "restore";
    private Shard shard;
    private Path staging;
    private String current;
    private FileChannel channel;
    private long written;
    private CRC32C crc;
    private boolean failed;

    RestoreReceiver(NodeState node, StreamObserver<RestoreShardResponse> out) {
        this.node = node;
        this.out = out;
    }

    @Override
    public void onNext(RestoreShardRequest request) {
        if (failed) {
            return;
        }
        try {
            switch (request.getPartCase()) {
                case HEADER -> header(request.getHeader());
                case CHUNK -> chunk(request.getChunk());
                case FILE_END -> fileEnd(request.getFileEnd());
                case PART_NOT_SET -> throw new IllegalArgumentException(what + ": a message without a part");
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    private void header(RestoreShardHeader header) throws IOException {
        if (shard != null) {
            throw new IllegalArgumentException(what + ": a second header");
        }
        if (header.getCollection().isEmpty()) {
            throw new IllegalArgumentException("collection: required");
        }
        Collection c = node.engine().require(header.getCollection());
        shard = c.shard(SearchExecution.shard(c, header.getShard(), "shard"));
        what = "restore of " + header.getCollection() + " shard " + header.getShard();
        for (SnapshotFile f : header.getFilesList()) {
            if (!FILE_NAME.matcher(f.getName()).matches() || expected.put(f.getName(), f.getSize()) != null) {
                throw new IllegalArgumentException(what + ": file name '" + f.getName()
                        + "' is invalid or listed twice");
            }
        }
        staging = shard.restoreStagingDir(UUID.randomUUID().toString());
    }

    private void chunk(FileChunk chunk) throws IOException {
        requireHeader();
        String name = chunk.getName();
        if (!name.equals(current)) {
            if (current != null) {
                throw new IllegalArgumentException(what + ": chunk of " + name + " before the end of " + current);
            }
            if (!expected.containsKey(name) || finished.contains(name)) {
                throw new IllegalArgumentException(what + ": chunk of " + name + ", which the header does not list"
                        + " or which already ended");
            }
            current = name;
            channel = FileChannel.open(staging.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            written = 0;
            crc = new CRC32C();
        }
        if (chunk.getOffset() != written) {
            throw new IllegalArgumentException(what + ": chunk of " + name + " at offset " + chunk.getOffset()
                    + ", expected " + written);
        }
        ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
        CRC32C check = new CRC32C();
        check.update(data.duplicate());
        if ((int) check.getValue() != chunk.getCrc32C()) {
            throw new IllegalArgumentException(String.format("%s: chunk of %s at offset %d fails its CRC32C check"
                    + " (sent %08x, computed %08x)", what, name, written, chunk.getCrc32C(), (int) check.getValue()));
        }
        crc.update(data.duplicate());
        while (data.hasRemaining()) {
            channel.write(data);
        }
        written += chunk.getData().size();
    }

    private void fileEnd(FileEnd end) throws IOException {
        requireHeader();
        String name = end.getName();
        if (current == null && expected.getOrDefault(name, -1L) == 0 && !finished.contains(name)) {
            channel = FileChannel.open(staging.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            current = name;
            written = 0;
            crc = new CRC32C();
        }
        if (!name.equals(current)) {
            throw new IllegalArgumentException(what + ": end of " + name + ", which is not being sent");
        }
        channel.close();
        channel = null;
        current = null;
        if (written != end.getSize() || written != expected.get(name)) {
            throw new IllegalArgumentException(what + ": " + name + " is " + written + " bytes, the header says "
                    + expected.get(name));
        }
        if ((int) crc.getValue() != end.getCrc32C()) {
            throw new IllegalArgumentException(String.format("%s: %s fails its CRC32C check (sent %08x, computed"
                    + " %08x)", what, name, end.getCrc32C(), (int) crc.getValue()));
        }
        finished.add(name);
    }

    private void requireHeader() {
        if (shard == null) {
            throw new IllegalArgumentException(what + ": the first message must be the header");
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.warn("{}: the client ended the stream: {}", what, t.toString());
        failed = true;
        cleanUp();
    }

    @Override
    public void onCompleted() {
        if (failed) {
            return;
        }
        try {
            requireHeader();
            if (current != null || finished.size() != expected.size()) {
                List<String> missing = new ArrayList<>(expected.keySet());
                missing.removeAll(finished);
                throw new IllegalArgumentException(what + ": the stream ended before " + missing + " arrived whole");
            }
            ShardRestore.Outcome outcome = new ShardRestore(shard).apply(staging, finished);
            node.clock().observe(outcome.maxVersion());
            LOG.info("{}: {} rows written, newest version {}", what, outcome.rowsApplied(), outcome.maxVersion());
            out.onNext(RestoreShardResponse.newBuilder().setRowsApplied(outcome.rowsApplied())
                    .setNodeClock(node.clock().last()).build());
            out.onCompleted();
        } catch (Exception e) {
            failed = true;
            out.onError(GrpcErrors.toStatus(e));
        } finally {
            cleanUp();
        }
    }

    private void fail(Exception e) {
        failed = true;
        cleanUp();
        out.onError(GrpcErrors.toStatus(e));
    }

    private void cleanUp() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (staging != null) {
                FileTrees.deleteTree(staging);
                staging = null;
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot remove the staged files {}: {}", what, staging, e.getMessage());
        }
    }
}
