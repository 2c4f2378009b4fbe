package org.vxdb.coordinator.hints;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.internal.v1.ShardWriteRequest;

/**
 * Durable hints: replica writes a node did not get (it failed, or its write window was full), kept
 * per node in append-only segments under {@code write.hints_dir} until {@link HintReplayer}
 * delivers them. Appends reach the page cache at once and the disk within {@link #SYNC_MILLIS}
 * (a background fsync); a coordinator that crashes in between loses those hints, and the
 * background anti-entropy pass repairs what they carried. A node's hints past {@link #maxBytes}
 * are dropped (counted) for the same reason: repair, not memory or disk, carries a long outage.
 */
public final class HintStore implements AutoCloseable {

    /** How often appended hints are forced to disk. */
    public static final long SYNC_MILLIS = 50;
    /** A segment is closed for replay once it is this large. */
    static final long SEGMENT_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(HintStore.class);

    private final Path dir;
    private final long maxBytes;
    private final Map<String, NodeHints> nodes = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /** One node's segments: the one being appended to, and the bytes of all. */
    private static final class NodeHints {
        final Path dir;
        FileChannel active;
        Path activePath;
        long activeBytes;
        long sequence;
        long pendingBytes;
        boolean dirty;

        NodeHints(Path dir) {
            this.dir = dir;
        }
    }

    /**
     * Opens the store, counting the hints left by an earlier run (they are replayed like new ones).
     *
     * @param maxBytes hints kept per node at most
     */
    public HintStore(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.filter(Files::isDirectory).toList()) {
                    NodeHints h = new NodeHints(child);
                    for (Path segment : segments(child)) {
                        h.pendingBytes += Files.size(segment);
                        h.sequence = Math.max(h.sequence, sequenceOf(segment));
                    }
                    nodes.put(child.getFileName().toString(), h);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the hints directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Keeps {@code request} for {@code node}; false when the node's hints are full and it was dropped. */
    public synchronized boolean add(String node, ShardWriteRequest request) {
        NodeHints h = nodes.computeIfAbsent(node, n -> new NodeHints(dir.resolve(n)));
        byte[] bytes = request.toByteArray();
        long size = HintLogDescriptor.HEADER_BYTES + bytes.length;
        if (h.pendingBytes + size > maxBytes) {
            dropped.incrementAndGet();
            return false;
        }
        try {
            if (h.active == null || h.activeBytes >= SEGMENT_BYTES) {
                roll(h);
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            ByteBuffer record = ByteBuffer.allocate((int) size);
            record.putInt(bytes.length).putInt((int) crc.getValue()).put(bytes).flip();
            while (record.hasRemaining()) {
                h.active.write(record);
            }
            h.activeBytes += size;
            h.pendingBytes += size;
            h.dirty = true;
            return true;
        } catch (IOException e) {
            LOG.warn("hints for {}: cannot append ({}); the write is left to repair", node, e.toString());
            dropped.incrementAndGet();
            return false;
        }
    }

    private void roll(NodeHints h) throws IOException {
        closeActive(h);
        Files.createDirectories(h.dir);
        h.sequence++;
        h.activePath = h.dir.resolve(HintLogDescriptor.segmentName(h.sequence));
        h.active = FileChannel.open(h.activePath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        h.activeBytes = 0;
    }

    private static void closeActive(NodeHints h) throws IOException {
        if (h.active != null) {
            h.active.force(false);
            h.active.close();
            h.active = null;
        }
    }

    /** Forces every node's appended hints to disk (the background sync calls it). */
    public synchronized void sync() {
        for (Map.Entry<String, NodeHints> e : nodes.entrySet()) {
            NodeHints h = e.getValue();
            if (h.dirty && h.active != null) {
                try {
                    h.active.force(false);
                    h.dirty = false;
                } catch (IOException ex) {
                    LOG.warn("hints for {}: fsync failed: {}", e.getKey(), ex.toString());
                }
            }
        }
    }

    /** Nodes that have hints waiting. */
    public synchronized List<String> nodesWithHints() {
        return nodes.entrySet().stream().filter(e -> e.getValue().pendingBytes > 0).map(Map.Entry::getKey).toList();
    }

    /** Bytes of hints waiting for {@code node}. */
    public synchronized long pendingBytes(String node) {
        NodeHints h = nodes.get(node);
        return h == null ? 0 : h.pendingBytes;
    }

    /** Hints dropped since start: a node's hints were full, or the disk refused them. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Closes the segment being appended to and returns every segment of {@code node}, oldest
     * first, for replay; new hints go to a new segment meanwhile.
     */
    public synchronized List<Path> takeSegments(String node) {
        NodeHints h = nodes.get(node);
        if (h == null) {
            return List.of();
        }
        try {
            closeActive(h);
            return Files.isDirectory(h.dir) ? segments(h.dir) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the hints of " + node + ": " + e.getMessage(), e);
        }
    }

    /** A replayed segment is deleted. */
    public synchronized void delivered(String node, Path segment) {
        NodeHints h = nodes.get(node);
        try {
            long size = Files.size(segment);
            Files.delete(segment);
            if (h != null) {
                h.pendingBytes = Math.max(0, h.pendingBytes - size);
            }
        } catch (IOException e) {
            LOG.warn("hints for {}: cannot delete the delivered segment {}: {}", node, segment, e.toString());
        }
    }

    /**
     * Hands the requests of a segment to {@code deliver} in order, from byte {@code from}, until it
     * returns false; a torn or corrupt record (logged) ends the segment. Returns the offset of the
     * first request not delivered, or of the segment's end.
     */
    public static long read(Path segment, long from, Predicate<ShardWriteRequest> deliver) throws IOException {
        try (FileChannel in = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = in.size();
            long at = from;
            ByteBuffer header = ByteBuffer.allocate(HintLogDescriptor.HEADER_BYTES);
            while (at + HintLogDescriptor.HEADER_BYTES <= size) {
                header.clear();
                in.read(header, at);
                int length = header.getInt(HintLogDescriptor.LENGTH_OFFSET);
                int crc = header.getInt(HintLogDescriptor.CRC_OFFSET);
                if (length < 0 || length > HintLogDescriptor.MAX_RECORD_BYTES
                        || at + HintLogDescriptor.HEADER_BYTES + length > size) {
                    LOG.warn("hints {}: a torn record at byte {} ends the segment", segment, at);
                    return at;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                in.read(body, at + HintLogDescriptor.HEADER_BYTES);
                CRC32C check = new CRC32C();
                check.update(body.array());
                if ((int) check.getValue() != crc) {
                    LOG.warn("hints {}: a record with a bad checksum at byte {} ends the segment", segment, at);
                    return at;
                }
                try {
                    if (!deliver.test(ShardWriteRequest.parseFrom(body.array()))) {
                        return at;
                    }
                } catch (InvalidProtocolBufferException e) {
                    LOG.warn("hints {}: an unreadable record at byte {} ends the segment: {}", segment, at,
                            e.getMessage());
                    return at;
                }
                at += HintLogDescriptor.HEADER_BYTES + length;
            }
            return at;
        }
    }

    private static List<Path> segments(Path nodeDir) throws IOException {
        try (Stream<Path> files = Files.list(nodeDir)) {
            List<Path> out = new ArrayList<>(files.filter(f -> f.getFileName().toString()
                    .endsWith(HintLogDescriptor.SUFFIX)).sorted().toList());
            return out;
        }
    }

    private static long sequenceOf(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - HintLogDescriptor.SUFFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        for (NodeHints h : nodes.values()) {
            try {
                closeActive(h);
            } catch (IOException e) {
                LOG.warn("hints: cannot close {}: {}", h.activePath, e.toString());
            }
        }
    }
}
