package org.vxdb.storage.shard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.storage.memory.NativeMemoryBudget;
import org.vxdb.storage.metaindex.MetadataIndexFile;
import org.vxdb.storage.metaindex.MetadataIndexSet;
import org.vxdb.storage.metaindex.MetadataIndexSpec;

/**
 * The metadata indexes of a shard's sealed segments, by segment file: their files beside the
 * segments (loaded, written, deleted) and their share of the memory budget. Not thread-safe: the
 * shard calls it under its lock (reads under the read lock, changes under the write lock). A
 * failure to load, keep or write a segment's indexes is logged and remembered, never thrown: that
 * segment's filters then read its metadata, and the indexes are rebuilt.
 */
final class SegmentMetadataCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentMetadataCatalog.class);

    /** A segment's indexes and the budget reservation for their heap bytes. */
    private record Entry(MetadataIndexSet set, NativeMemoryBudget.Reservation reservation) {
    }

    private final Path dir;
    private final NativeMemoryBudget budget;
    private final Map<String, Entry> bySegment = new HashMap<>();
    private final AtomicLong filesLoaded = new AtomicLong();
    private final AtomicLong segmentsBuilt = new AtomicLong();
    private volatile String lastError;

    SegmentMetadataCatalog(Path dir, NativeMemoryBudget budget) {
        this.dir = dir;
        this.budget = budget;
    }

    /** Loads the index file of every segment (no rebuild); a missing one is worth a warning if indexes are declared. */
    void load(List<SealedSegment> sealed, boolean declared) {
        for (SealedSegment s : sealed) {
            Path file = dir.resolve(MetadataIndexFile.nameFor(s.file()));
            try {
                if (install(s.file(), MetadataIndexFile.read(file, s.segment().count()))) {
                    filesLoaded.incrementAndGet();
                }
            } catch (NoSuchFileException e) {
                if (declared) {
                    LOG.warn("shard {}: metadata index file {} is missing; it will be built", dir, file.getFileName());
                }
            } catch (IOException | RuntimeException e) {
                failed(e.getMessage() + "; it will be rebuilt");
            }
        }
    }

    /** The indexes of every segment that has some, by segment file (a copy). */
    Map<String, MetadataIndexSet> snapshot() {
        Map<String, MetadataIndexSet> out = new HashMap<>();
        bySegment.forEach((file, e) -> out.put(file, e.set()));
        return out;
    }

    /** The indexes of {@code segmentFile}, or null. */
    MetadataIndexSet get(String segmentFile) {
        Entry e = bySegment.get(segmentFile);
        return e == null ? null : e.set();
    }

    /**
     * Keeps {@code set} as the indexes of {@code segmentFile}, replacing any before, once its heap
     * bytes are reserved from the budget. Over budget the segment keeps no indexes (logged); false.
     */
    boolean install(String segmentFile, MetadataIndexSet set) {
        NativeMemoryBudget.Reservation reservation;
        try {
            reservation = budget.reserve(set.bytes(), "metadata indexes (heap) of segment " + segmentFile);
        } catch (RuntimeException e) {
            failed("cannot keep the metadata indexes of " + segmentFile + " (" + e.getMessage()
                    + "); its filters read metadata instead");
            return false;
        }
        Entry previous = bySegment.put(segmentFile, new Entry(set, reservation));
        if (previous != null) {
            previous.reservation().close();
        }
        return true;
    }

    /** {@link #install} of indexes built from the segment's metadata, counted. */
    void installBuilt(String segmentFile, MetadataIndexSet set) {
        if (install(segmentFile, set)) {
            segmentsBuilt.incrementAndGet();
        }
    }

    /** Writes the segment's index file durably; a failure is logged (the file is rebuilt at the next open). */
    void write(String segmentFile, MetadataIndexSet set) {
        if (set.specs().isEmpty()) {
            return;
        }
        Path file = dir.resolve(MetadataIndexFile.nameFor(segmentFile));
        try {
            MetadataIndexFile.write(file, set);
        } catch (IOException | RuntimeException e) {
            failed("cannot write metadata index file " + file.getFileName() + " (" + e.getMessage()
                    + "); it is rebuilt at the next open");
        }
    }

    /** Forgets a segment that is gone and deletes its index file. */
    void drop(String segmentFile) throws IOException {
        Entry previous = bySegment.remove(segmentFile);
        if (previous != null) {
            previous.reservation().close();
        }
        Files.deleteIfExists(dir.resolve(MetadataIndexFile.nameFor(segmentFile)));
    }

    /** The segments of {@code sealed} without every one of {@code specs}. */
    List<SealedSegment> lacking(List<SealedSegment> sealed, List<MetadataIndexSpec> specs) {
        List<SealedSegment> out = new ArrayList<>();
        for (SealedSegment s : sealed) {
            MetadataIndexSet set = get(s.file());
            if (set == null || !set.covers(specs)) {
                out.add(s);
            }
        }
        return out;
    }

    long filesLoaded() {
        return filesLoaded.get();
    }

    long segmentsBuilt() {
        return segmentsBuilt.get();
    }

    String lastError() {
        return lastError;
    }

    void failed(String reason) {
        lastError = reason;
        LOG.error("shard {}: {}", dir, reason);
    }

    /** Releases every reservation. */
    @Override
    public void close() {
        bySegment.values().forEach(e -> e.reservation().close());
        bySegment.clear();
    }
}
