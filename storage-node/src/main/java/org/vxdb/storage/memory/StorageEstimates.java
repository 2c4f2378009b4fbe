package org.vxdb.storage.memory;

import org.vxdb.index.IndexSpec;
import org.vxdb.storage.segment.SegmentDescriptor;
import org.vxdb.storage.wal.WalRecordDescriptor;

/**
 * Sizes of what the storage engine keeps, computed from the layouts: the native memory it reserves
 * against its {@link NativeMemoryBudget} (memory buffers, indexes, training samples) and the bytes
 * of its files (segments, WAL records). The engine reserves with these figures, and the capacity
 * planner ({@code vxdb capacity}) adds them up, so the two cannot drift apart.
 */
public final class StorageEstimates {

    /** Bytes a memory-buffer row takes besides its vector: id, version, flags byte. */
    public static final int BUFFER_ROW_OVERHEAD_BYTES = 2 * Long.BYTES + 1;
    /** Bytes a segment row takes besides its vector: id, version, flags byte, metadata offset. */
    public static final int SEGMENT_ROW_OVERHEAD_BYTES = 3 * Long.BYTES + 1;
    /** Bytes of a WAL upsert row besides its vector and metadata: op, id, version, metadata length. */
    public static final int WAL_ROW_OVERHEAD_BYTES = 1 + 2 * Long.BYTES + Integer.BYTES;

    private StorageEstimates() {
    }

    /** Native bytes a memory buffer of {@code rows} rows allocates up front (metadata pages come on top). */
    public static long bufferBytes(int dimension, long rows) {
        return rows * ((long) dimension * Float.BYTES + BUFFER_ROW_OVERHEAD_BYTES);
    }

    /** Native bytes an index of {@code spec} over {@code rows} rows takes, estimated from its layout. */
    public static long indexBytes(IndexSpec spec, long rows) {
        long d = spec.dimension();
        long ids = Long.BYTES;
        return switch (spec.type()) {
            case FLAT -> rows * (d * Float.BYTES + ids);
            case IVF_FLAT -> rows * (d * Float.BYTES + ids) + spec.nlist() * d * Float.BYTES;
            case IVF_SQ8 -> rows * (d + ids) + spec.nlist() * d * Float.BYTES;
            case IVF_PQ -> rows * (spec.pqM() + ids) + spec.nlist() * d * Float.BYTES + 256L * d * Float.BYTES;
            case HNSW_FLAT -> rows * (d * Float.BYTES + ids + 2L * spec.hnswM() * Integer.BYTES * 2);
        };
    }

    /** Native bytes of the training sample an index build copies ({@code rows} vectors). */
    public static long trainingSampleBytes(int dimension, long rows) {
        return rows * dimension * Float.BYTES;
    }

    /**
     * Bytes of a segment file of {@code rows} rows (docs/segment-format.md): the header, the vector,
     * id, version, flags and metadata-offset blocks each aligned to 64 bytes, and
     * {@code metadataBytes} of (compressed) metadata.
     */
    public static long segmentFileBytes(int dimension, long rows, long metadataBytes) {
        long end = SegmentDescriptor.HEADER_LENGTH + SegmentDescriptor.vectorBytes(rows, dimension);
        end = SegmentDescriptor.alignBlock(end) + rows * Long.BYTES;        // ids
        end = SegmentDescriptor.alignBlock(end) + rows * Long.BYTES;        // versions
        end = SegmentDescriptor.alignBlock(end) + rows;                     // flags
        end = SegmentDescriptor.alignBlock(end) + (rows + 1) * Long.BYTES;  // metadata offsets
        return metadataBytes == 0 ? end : SegmentDescriptor.alignBlock(end) + metadataBytes;
    }

    /** Bytes of WAL records holding {@code rows} upserts written one batch of {@code batchRows} at a time. */
    public static long walBytes(int dimension, long rows, long metadataBytesPerRow, int batchRows) {
        long rowBytes = (long) dimension * Float.BYTES + WAL_ROW_OVERHEAD_BYTES + metadataBytesPerRow;
        long batches = (rows + batchRows - 1) / batchRows;
        long batchHeader = WalRecordDescriptor.HEADER_LENGTH + 9 + WalRecordDescriptor.ALIGNMENT;
        return rows * rowBytes + batches * batchHeader;
    }
}
