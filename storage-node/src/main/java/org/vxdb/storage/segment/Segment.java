package org.vxdb.storage.segment;

import static org.vxdb.storage.segment.SegmentDescriptor.BLOCK_ALIGNMENT;
import static org.vxdb.storage.segment.SegmentDescriptor.FLAG_TOMBSTONE;
import static org.vxdb.storage.segment.SegmentDescriptor.LONG_LE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vxdb.index.Metric;
import org.vxdb.storage.segment.SegmentDescriptor.Block;

/**
 * An open, verified segment file: the whole file mapped read-only, the vector block read in place
 * (64-byte aligned, zero copy), the metadata decompressed once into off-heap memory.
 *
 * <p>{@link #open(Path, Arena)} checks every byte before it returns: the header checksum, the
 * placement and CRC32C of each block, zero padding, the metadata offsets. A damaged file is a
 * {@link SegmentCorruptException} naming the file, the part and the offset.
 *
 * <p>Ownership: {@link #open(Path)} creates a shared arena that {@link #close()} closes, which
 * unmaps the file and frees the metadata; slices handed out before become unusable. With
 * {@link #open(Path, Arena)} the caller owns the arena: {@code close()} only marks this segment
 * closed, and the memory lives until the caller closes the arena (also when {@code open} fails).
 *
 * <p>Row numbers are {@code 0..count()-1}. Accessors are safe from any thread when the arena is
 * shared; after {@code close()} they throw {@link IllegalStateException}.
 */
public final class Segment implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final boolean ownsArena;
    private final SegmentHeader header;
    private final MemorySegment vectors;
    private final MemorySegment ids;
    private final MemorySegment versions;
    private final MemorySegment flags;
    private final MemorySegment metadataOffsets;
    private final MemorySegment metadata;
    private final long rowBytes;
    private final long mappedBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long mappedAddress;

    private Segment(Path path, Arena arena, boolean ownsArena, SegmentHeader header, MemorySegment mapped,
                    MemorySegment metadata) {
        this.path = path;
        this.arena = arena;
        this.ownsArena = ownsArena;
        this.header = header;
        this.vectors = nativeView(slice(mapped, header.block(Block.VECTORS)), arena);
        this.ids = slice(mapped, header.block(Block.IDS));
        this.versions = slice(mapped, header.block(Block.VERSIONS));
        this.flags = slice(mapped, header.block(Block.FLAGS));
        this.metadataOffsets = slice(mapped, header.block(Block.METADATA_OFFSETS));
        this.metadata = metadata.asReadOnly();
        this.rowBytes = (long) header.dimension() * Float.BYTES;
        this.mappedBytes = mapped.byteSize();
        this.mappedAddress = mapped.address();
    }

    /** Where the file is mapped: tests check that {@link #vectors()} lies inside it (read in place, not copied). */
    long mappedAddress() {
        return mappedAddress;
    }

    /** Opens and verifies {@code file} in a shared arena of its own, closed by {@link #close()}. */
    public static Segment open(Path file) throws IOException {
        Arena own = Arena.ofShared();
        try {
            return open(file, own, true);
        } catch (IOException | RuntimeException | Error e) {
            own.close();
            throw e;
        }
    }

    /**
     * Opens and verifies {@code file}, mapping it and allocating its decompressed metadata in
     * {@code arena}, which the caller keeps owning.
     */
    public static Segment open(Path file, Arena arena) throws IOException {
        return open(file, arena, false);
    }

    private static Segment open(Path file, Arena arena, boolean ownsArena) throws IOException {
        MemorySegment mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
        SegmentHeader header = SegmentHeader.decode(file, mapped);
        SegmentVerifier.verify(file, header, mapped);
        BlockEntry vectorBlock = header.block(Block.VECTORS);
        long address = mapped.address() + vectorBlock.offset();
        if (address % BLOCK_ALIGNMENT != 0) {
            throw vectorBlock.corrupt(file, "is mapped at address 0x" + Long.toHexString(address) + ", not "
                    + BLOCK_ALIGNMENT + "-byte aligned");
        }
        BlockEntry metadataBlock = header.block(Block.METADATA);
        MemorySegment metadata = arena.allocate(metadataBlock.uncompressedLength(), BLOCK_ALIGNMENT);
        Lz4Chunks.decompress(file, metadataBlock, slice(mapped, metadataBlock), metadata);
        return new Segment(file, arena, ownsArena, header, mapped, metadata);
    }

    private static MemorySegment slice(MemorySegment mapped, BlockEntry block) {
        return mapped.asSlice(block.offset(), block.storedLength()).asReadOnly();
    }

    /**
     * The same mapped bytes as a plain native segment of the same arena (still read-only, still
     * closed with the arena, so a use after close throws instead of touching unmapped memory). The
     * distance kernels then see one segment class, as for memory buffers: a kernel that met both a
     * mapped and a native segment compiles to a polymorphic path that scanned 3-4 x slower (5,000 x
     * 128: 81 us vs 250-340 us per scan).
     */
    private static MemorySegment nativeView(MemorySegment mappedBlock, Arena arena) {
        return MemorySegment.ofAddress(mappedBlock.address()).reinterpret(mappedBlock.byteSize(), arena, null)
                .asReadOnly();
    }

    public Path path() {
        return path;
    }

    public int dimension() {
        ensureOpen();
        return header.dimension();
    }

    public Metric metric() {
        ensureOpen();
        return header.metric();
    }

    /** Size of the mapped file (the whole file is mapped). */
    public long mappedBytes() {
        return mappedBytes;
    }

    public long count() {
        ensureOpen();
        return header.count();
    }

    /** When the segment was written, Unix epoch milliseconds. */
    public long createdAtMillis() {
        ensureOpen();
        return header.createdAtMillis();
    }

    public long minVersion() {
        ensureOpen();
        return header.minVersion();
    }

    public long maxVersion() {
        ensureOpen();
        return header.maxVersion();
    }

    /** All vectors, {@code count() * dimension()} little-endian float32, read-only, 64-byte aligned. */
    public MemorySegment vectors() {
        ensureOpen();
        return vectors;
    }

    /** Vectors of rows {@code fromRow} (inclusive) to {@code toRow} (exclusive), read-only. */
    public MemorySegment vectorSlice(long fromRow, long toRow) {
        ensureOpen();
        if (fromRow < 0 || fromRow > toRow || toRow > header.count()) {
            throw new IndexOutOfBoundsException("rows [" + fromRow + ", " + toRow + ") are out of range [0, "
                    + header.count() + "] in segment " + path);
        }
        return vectors.asSlice(fromRow * rowBytes, (toRow - fromRow) * rowBytes);
    }

    /** All ids, {@code count()} little-endian int64, read-only. */
    public MemorySegment ids() {
        ensureOpen();
        return ids;
    }

    public long id(long row) {
        checkRow(row);
        return ids.getAtIndex(LONG_LE, row);
    }

    public long version(long row) {
        checkRow(row);
        return versions.getAtIndex(LONG_LE, row);
    }

    /** True when the row is a versioned delete; its vector is all zeros and it must not match a search. */
    public boolean isTombstone(long row) {
        checkRow(row);
        return (flags.get(ValueLayout.JAVA_BYTE, row) & FLAG_TOMBSTONE) != 0;
    }

    /** The row's metadata bytes, read-only; empty when the row has none. */
    public MemorySegment metadata(long row) {
        checkRow(row);
        long from = metadataOffsets.getAtIndex(LONG_LE, row);
        long to = metadataOffsets.getAtIndex(LONG_LE, row + 1);
        return metadata.asSlice(from, to - from);
    }

    public boolean isClosed() {
        return closed.get() || !arena.scope().isAlive();
    }

    /** Marks the segment closed and, when it owns its arena, unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsArena) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Segment[" + path + ", " + header.count() + " rows of dimension " + header.dimension() + ", "
                + header.metric().label() + (isClosed() ? ", closed]" : "]");
    }

    private void checkRow(long row) {
        ensureOpen();
        if (row < 0 || row >= header.count()) {
            throw new IndexOutOfBoundsException("row " + row + " is out of range [0, " + header.count()
                    + ") in segment " + path);
        }
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new IllegalStateException("segment " + path + " is closed");
        }
    }
}
